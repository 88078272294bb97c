package store

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// pgSQL rewrites a query written for SQLite into PostgreSQL's dialect. The store's
// queries keep to a small common subset; what differs is spelled the SQLite way and
// translated here, once per query text (the result is cached):
//
//	?  ?N                     → $n  $N
//	INSERT OR IGNORE INTO …   → INSERT INTO … ON CONFLICT DO NOTHING
//	x = ? COLLATE NOCASE      → lower(x) = lower(?)
//	x COLLATE NOCASE          → lower(x)           (to sort)
//	LIKE                      → ILIKE              (SQLite's LIKE ignores ASCII case)
//	a IS b, a IS NOT b        → IS NOT DISTINCT FROM, IS DISTINCT FROM
//	max(a, b), min(a, b)      → GREATEST(a, b), LEAST(a, b)   (the scalar forms)
//	json_each(?)              → ep_json_each(?)    (schema_postgres.sql defines it)
//
// String literals are left alone. Queries that cannot be written in the common subset
// (full-text search) branch on Queries.pg instead.
func pgSQL(query string) string {
	if v, ok := pgCache.Load(query); ok {
		return v.(string)
	}
	out := rewritePg(query)
	// Query texts built with a variable number of placeholders could grow the cache
	// without end; past the bound a text is rewritten on every call.
	if pgCached.Add(1) <= maxPgCached {
		pgCache.Store(query, out)
	}
	return out
}

// pgArgs converts Go bools to 0/1 (the schema's flags are integers on both engines,
// and SQLite's driver does this conversion itself), and text PostgreSQL refuses — a
// NUL byte or invalid UTF-8, which hostile input can put in a lookup such as a
// username in a URL — to text that matches nothing: stored text never holds control
// characters, so the lookup finds nothing, as it does on SQLite, instead of failing.
// (Writes never get here with such text: app/text refuses it first.)
func pgArgs(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case bool:
			if v {
				args[i] = int64(1)
			} else {
				args[i] = int64(0)
			}
		case string:
			if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
				args[i] = strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", "\x01"), "\x01")
			}
		}
	}
	return args
}

const maxPgCached = 10000

var (
	pgCache  sync.Map // query text → rewritten text
	pgCached atomic.Int64
)

var (
	reInsertIgnore = regexp.MustCompile(`(?i)\bINSERT\s+OR\s+IGNORE\s+INTO\b`)
	reNocaseEq     = regexp.MustCompile(`(?i)([\w.]+)\s*=\s*(\$\d+)\s+COLLATE\s+NOCASE\b`)
	reNocase       = regexp.MustCompile(`(?i)([\w.]+)\s+COLLATE\s+NOCASE\b`)
	reLike         = regexp.MustCompile(`\bLIKE\b`)
	reIs           = regexp.MustCompile(`(?i)\bIS\s+(NOT\s+)?([\w.$?]+)`)
	reJSONEach     = regexp.MustCompile(`(?i)\bjson_each\(`)
	reMinMax       = regexp.MustCompile(`(?i)\b(min|max)\(`)
	reReturning    = regexp.MustCompile(`(?i)\bRETURNING\b`)
)

func rewritePg(query string) string {
	// Mask string literals so that nothing inside them is rewritten.
	var literals []string
	var b strings.Builder
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c != '\'' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(query) {
			if query[j] == '\'' {
				if j+1 < len(query) && query[j+1] == '\'' {
					j += 2
					continue
				}
				break
			}
			j++
		}
		literals = append(literals, query[i:min(j+1, len(query))])
		b.WriteString("\x00" + strconv.Itoa(len(literals)-1) + "\x00")
		i = j
	}
	q := b.String()

	// Placeholders.
	b.Reset()
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			b.WriteByte(q[i])
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		if j > i+1 {
			b.WriteString("$" + q[i+1:j])
		} else {
			n++
			b.WriteString("$" + strconv.Itoa(n))
		}
		i = j - 1
	}
	q = b.String()

	if reInsertIgnore.MatchString(q) {
		q = reInsertIgnore.ReplaceAllString(q, "INSERT INTO")
		if loc := reReturning.FindStringIndex(q); loc != nil {
			q = q[:loc[0]] + "ON CONFLICT DO NOTHING " + q[loc[0]:]
		} else {
			q = strings.TrimRight(q, " \t\n;") + " ON CONFLICT DO NOTHING"
		}
	}
	q = reNocaseEq.ReplaceAllString(q, "lower($1) = lower($2)")
	q = reNocase.ReplaceAllString(q, "lower($1)")
	q = reLike.ReplaceAllString(q, "ILIKE")
	q = reIs.ReplaceAllStringFunc(q, func(m string) string {
		sub := reIs.FindStringSubmatch(m)
		switch strings.ToUpper(sub[2]) {
		case "NULL", "TRUE", "FALSE", "DISTINCT", "NOT":
			return m
		}
		if sub[1] != "" {
			return "IS DISTINCT FROM " + sub[2]
		}
		return "IS NOT DISTINCT FROM " + sub[2]
	})
	q = reJSONEach.ReplaceAllString(q, "ep_json_each(")
	q = scalarMinMax(q)

	// Unmask the literals.
	if len(literals) > 0 {
		parts := strings.Split(q, "\x00")
		b.Reset()
		for i, p := range parts {
			if i%2 == 1 {
				k, _ := strconv.Atoi(p) // we wrote it
				b.WriteString(literals[k])
			} else {
				b.WriteString(p)
			}
		}
		q = b.String()
	}
	return q
}

// scalarMinMax renames min(a, b) and max(a, b) — SQLite's scalar forms — to LEAST and
// GREATEST; the one-argument aggregates stay.
func scalarMinMax(q string) string {
	locs := reMinMax.FindAllStringSubmatchIndex(q, -1)
	if locs == nil {
		return q
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		open := loc[1] - 1
		depth, comma := 0, false
	scan:
		for i := open; i < len(q); i++ {
			switch q[i] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					break scan
				}
			case ',':
				if depth == 1 {
					comma = true
				}
			}
		}
		if !comma {
			continue
		}
		name := "LEAST("
		if strings.EqualFold(q[loc[2]:loc[3]], "max") {
			name = "GREATEST("
		}
		b.WriteString(q[last:loc[0]])
		b.WriteString(name)
		last = loc[1]
	}
	b.WriteString(q[last:])
	return b.String()
}
