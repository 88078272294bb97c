package store

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Full-text search on PostgreSQL. posts, users and subjects carry a generated
// search_vector (GIN-indexed) built with the text search configuration ep_search
// (schema_postgres.sql), which stands for FTS5's "unicode61 remove_diacritics 2". The
// store's callers build FTS5 queries (text.FTSQuery, postQuery); on PostgreSQL they are
// translated by pgTSQuery into tsquery text for to_tsquery('ep_search', ?), every term
// quoted, so the tokens are folded by the same configuration as the documents.
// Highlights and snippets come from ts_headline with the same markers as FTS5's
// highlight() and snippet(). Each query below is the PostgreSQL twin of one in
// search.go, posts.go, posts_text.go, chat.go or subjects.go.

// Ids of the rows matching a tsquery (?).
const (
	pgPostsMatching = `SELECT id FROM posts WHERE search_vector @@ to_tsquery('ep_search', ?)`
	pgUsersMatching = `SELECT id FROM users WHERE search_vector @@ to_tsquery('ep_search', ?)`
)

// pgRankedUsers is rankedUsers on PostgreSQL (same parameters, same columns). rank is
// ts_rank negated so that both engines sort it ascending, as bm25() is; the weights
// {D, C, B, A} give the username (A) twice the names (B), as bm25(10, 5, 5) does.
const pgRankedUsers = `SELECT u.id AS id, coalesce(u.id = (SELECT id FROM users WHERE username = ?2), false) AS exact,
		-ts_rank('{0.1, 0.2, 0.5, 1.0}', u.search_vector, q.q) AS rank
		FROM users u CROSS JOIN to_tsquery('ep_search', ?1) q(q)
		WHERE u.search_vector @@ q.q AND u.id != ?3 AND u.is_active = 1
		ORDER BY exact DESC, rank, u.id LIMIT ?4 OFFSET ?5`

// pgHeadline is ts_headline of the text expression col for the tsquery q.q, matched
// terms between HighlightStart and HighlightEnd: the whole text (like highlight())
// when words is 0, else a passage of at most that many words (like snippet(); see
// pgSnippet for its ellipses). PostgreSQL's parser reads "<…>" as an HTML tag, which
// ts_headline drops; the text is shown as text, so '<' is hidden from the parser as
// \x01 (a control character stored text never holds) and put back.
func pgHeadline(col string, words int) string {
	opts := `'HighlightAll=true, `
	if words > 0 {
		opts = `'MaxWords=` + strconv.Itoa(words) + `, MinWords=` + strconv.Itoa(words/2) + `, ShortWord=0, `
	}
	return `replace(ts_headline('ep_search', replace(` + col + `, '<', chr(1)), q.q, ` + opts +
		`StartSel=' || chr(2) || ', StopSel=' || chr(3)), chr(1), '<')`
}

// pgSnippet adds to a passage of text that ts_headline chose the ellipses FTS5's
// snippet() puts where the passage begins after the text's start or ends before its
// end.
func pgSnippet(text, headline string) string {
	plain := strings.TrimSpace(strings.NewReplacer(HighlightStart, "", HighlightEnd, "").Replace(headline))
	text = strings.TrimSpace(text)
	if plain == text || plain == "" {
		return headline
	}
	if !strings.HasPrefix(text, plain) {
		headline = "…" + headline
	}
	if !strings.HasSuffix(text, plain) {
		headline += "…"
	}
	return headline
}

// pgTSQuery translates an FTS5 query of the kind the store's callers build — quoted
// phrases, "…"* for a prefix, AND, OR, NOT and parentheses, adjacent terms ANDed —
// into tsquery text for to_tsquery. Every phrase becomes one quoted operand with its
// quotes and backslashes escaped, so whatever it holds (&, |, !, :*, quotes) is only
// text that the configuration tokenizes; the operators and parentheses are written
// here, balanced, whatever the input. A phrase without any word is an operand
// to_tsquery leaves out (' '), as FTS5 leaves out an empty phrase.
func pgTSQuery(fts string) string {
	var b strings.Builder
	needOp := false // an operand or ')' came last
	op := ""        // the operator typed before the next operand ("" = AND)
	depth := 0
	sep := func() { // the operator before an operand or a group
		if needOp {
			switch op {
			case "|":
				b.WriteString(" | ")
			case "!":
				b.WriteString(" & !")
			default:
				b.WriteString(" & ")
			}
		} else if op == "!" {
			b.WriteString("!")
		}
		op = ""
	}
	operand := func(text string, prefix bool) {
		sep()
		text = strings.ToLower(pgExact(strings.ToValidUTF8(strings.ReplaceAll(text, "\x00", " "), " ")))
		if strings.TrimSpace(text) == "" {
			text = " "
		}
		b.WriteByte('\'')
		for i := 0; i < len(text); i++ {
			switch text[i] {
			case '\'':
				b.WriteString("''")
			case '\\':
				b.WriteString(`\\`)
			default:
				b.WriteByte(text[i])
			}
		}
		b.WriteByte('\'')
		if prefix {
			b.WriteString(":*")
		}
		needOp = true
	}
	for i := 0; i < len(fts); {
		switch c := fts[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '*' || c == '+':
			i++
		case c == '"':
			var w strings.Builder
			j := i + 1
			for ; j < len(fts); j++ {
				if fts[j] == '"' {
					if j+1 < len(fts) && fts[j+1] == '"' {
						w.WriteByte('"')
						j++
						continue
					}
					break
				}
				w.WriteByte(fts[j])
			}
			i = j + 1
			prefix := i < len(fts) && fts[i] == '*'
			operand(w.String(), prefix)
		case c == '(':
			sep()
			b.WriteString("( ")
			needOp = false
			depth++
			i++
		case c == ')':
			if depth > 0 {
				if !needOp {
					operand("", false)
				}
				b.WriteString(" )")
				depth--
			}
			i++
		default:
			j := i
			for j < len(fts) && !strings.ContainsRune(" \t\n\r\"()*+", rune(fts[j])) {
				j++
			}
			switch word := fts[i:j]; word {
			case "AND":
				op = "&"
			case "OR":
				op = "|"
			case "NOT":
				op = "!"
			default:
				prefix := j < len(fts) && fts[j] == '*'
				operand(word, prefix)
			}
			i = j
		}
	}
	for ; depth > 0; depth-- {
		if !needOp {
			operand("", false)
		}
		b.WriteString(" )")
	}
	return b.String()
}

// pgExact is a search's exact text (a username, a subject code) as PostgreSQL can take
// it: a string holding a NUL byte or invalid UTF-8, which PostgreSQL refuses as text
// and no stored name or code holds, becomes "", which none equals either.
func pgExact(s string) string {
	if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
		return ""
	}
	return s
}

// ftsArg is an FTS5 query as the engine's search takes it: unchanged on SQLite, as
// tsquery text on PostgreSQL.
func (s *Queries) ftsArg(match string) string {
	if s.pg {
		return pgTSQuery(match)
	}
	return match
}

// PostgreSQL twins of search.go's queries (PostgreSQL has no CROSS JOIN … ON: SQLite's
// way to fix the join order).
const (
	pgPostsByIDs = `SELECT ` + postColumns + ` FROM json_each(?) j JOIN posts p ON p.id = j.value
		JOIN users u ON u.id = p.user_id`
	pgRankedUserMinis = `SELECT ` + userMiniColumns + ` FROM (` + pgRankedUsers + `) r
		JOIN users u ON u.id = r.id ORDER BY r.exact DESC, r.rank, r.id`
	// The newest matches, for SearchPostHits's window and postIDF.
	pgPostWindow = `SELECT p.id, p.user_id, p.content FROM posts p
		WHERE p.search_vector @@ to_tsquery('ep_search', ?) ORDER BY p.id DESC LIMIT ?`
	pgPostSample = `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM
		(SELECT id FROM posts WHERE search_vector @@ to_tsquery('ep_search', ?) ORDER BY id DESC LIMIT ?) w`
)

var (
	pgPeopleHighlights = `SELECT u.id, ` + pgHeadline("u.username::text", 0) + `, ` + pgHeadline("u.first_name", 0) +
		`, ` + pgHeadline("u.last_name", 0) + ` FROM users u CROSS JOIN to_tsquery('ep_search', ?) q(q)
		WHERE u.id IN (SELECT value FROM json_each(?))`
	pgPostSnippets = `SELECT p.id, p.content, ` + pgHeadline("p.content", 32) + `
		FROM posts p CROSS JOIN to_tsquery('ep_search', ?) q(q) WHERE p.id IN (SELECT value FROM json_each(?))`
	pgSubjectHits = `SELECT s.id, s.code, s.name, s.description, s.icon, s.students_count,
		coalesce(nullif(trim(i.first_name || ' ' || i.last_name), ''), i.username::text, ''),
		` + pgHeadline("s.name", 0) + `, ` + pgHeadline("s.code::text", 0) + `, ` + pgHeadline("s.description", 24) + `
		FROM subjects s CROSS JOIN to_tsquery('ep_search', ?) q(q) LEFT JOIN users i ON i.id = s.instructor_id
		WHERE s.search_vector @@ q.q AND s.is_active = 1
		ORDER BY s.code = ? DESC, ts_rank(s.search_vector, q.q) DESC, s.id LIMIT ? OFFSET ?`
)

// pgPostSnippets is postSnippets on PostgreSQL.
func (s *Queries) pgPostSnippets(ctx context.Context, match string, ids []int64) (map[int64]string, error) {
	rows, err := s.query(ctx, pgPostSnippets, pgTSQuery(match), jsonIDs(ids))
	if err != nil {
		return nil, wrapf(err, "store: snippets")
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var content, headline string
		if err := rows.Scan(&id, &content, &headline); err != nil {
			return nil, err
		}
		out[id] = pgSnippet(content, headline)
	}
	return out, rows.Err()
}
