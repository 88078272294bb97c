package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite"

	"eplatform/app/internal/pgtest"
)

// TestSchemaPostgres loads schema.sql into SQLite and schema_postgres.sql into a fresh
// PostgreSQL database and proves they describe the same tables: names, columns in order,
// NOT NULL, type family, defaults, primary keys, unique sets, foreign keys with their
// ON DELETE rules, the named indexes (columns, uniqueness, partial predicate), and per
// table the number of CHECKs and their literals (enum values, bounds). A migration that
// changes one file and not the other fails here, naming the table and column. Then a
// sample of the CHECKs and the search vectors run on PostgreSQL.
func TestSchemaPostgres(t *testing.T) {
	lite := loadSchemaSQLite(t)
	pg := loadSchemaPostgres(t)

	want := describeSQLite(t, lite)
	got := describePostgres(t, pg)
	compareSchemas(t, want, got)

	// The FTS5 tables became generated columns with GIN indexes.
	for _, table := range []string{"posts", "users", "subjects"} {
		var n int
		if err := pg.QueryRow(`SELECT count(*) FROM pg_attribute
			WHERE attrelid = $1::regclass AND attname = 'search_vector' AND attgenerated = 's'`,
			table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%s: no generated search_vector column", table)
		}
		if !got.searchIndexes[table+"_search"] {
			t.Errorf("%s: no GIN index %s_search on search_vector", table, table)
		}
	}

	t.Run("checks", func(t *testing.T) { pgCheckSample(t, pg) })
}

// loadSchemaSQLite returns a database holding schema.sql.
func loadSchemaSQLite(t *testing.T) *sql.DB {
	t.Helper()
	ddl, err := os.ReadFile("../../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(string(ddl)); err != nil {
		t.Fatalf("schema.sql: %v", err)
	}
	return db
}

// loadSchemaPostgres returns a fresh PostgreSQL database holding schema_postgres.sql.
func loadSchemaPostgres(t *testing.T) *sql.DB {
	t.Helper()
	url := pgtest.URL(t)
	ddl, err := os.ReadFile("../../schema_postgres.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// One connection: the simple protocol runs the whole file as one script.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(string(ddl)); err != nil {
		t.Fatalf("schema_postgres.sql: %v", err)
	}
	return db
}

// dbSchema is what both files must agree on, in a form both engines can be read into.
type dbSchema struct {
	tables        map[string]*dbTable
	searchIndexes map[string]bool // PostgreSQL only: GIN indexes on search_vector
}

type dbTable struct {
	columns []dbColumn
	pk      []string
	uniques []string          // column sets (sorted), " WHERE …" for a partial index
	fks     []string          // "a, b -> t(x, y) ON DELETE RULE", sorted
	indexes map[string]string // named indexes: name -> "UNIQUE (cols) WHERE …"
	checks  int
	// the string and number literals of its CHECKs, sorted: an enum value or a bound
	// changed in one file and not the other shows here
	checkTokens []string
}

type dbColumn struct {
	name    string
	family  string // integer, real, text, text nocase, blob
	notNull bool
	def     string // normalized default expression, "identity" for an id, "" for none
}

func stripSQLComments(s string) string {
	return sqlComment.ReplaceAllString(s, "")
}

var checkRE = regexp.MustCompile(`(?i)\bCHECK\s*\(`)

// sqliteChecks returns the bodies of a CREATE TABLE's CHECK constraints.
func sqliteChecks(create string) []string {
	sql := stripSQLComments(create)
	var out []string
	for _, loc := range checkRE.FindAllStringIndex(sql, -1) {
		depth := 1
		i := loc[1]
		for ; i < len(sql) && depth > 0; i++ {
			switch sql[i] {
			case '(':
				depth++
			case ')':
				depth--
			case '\'':
				i += strings.IndexByte(sql[i+1:], '\'') + 1
			}
		}
		out = append(out, sql[loc[1]:i-1])
	}
	return out
}

var (
	stringLiteralRE = regexp.MustCompile(`'(?:[^']|'')*'`)
	numberRE        = regexp.MustCompile(`\b[0-9]+(?:\.[0-9]+)?\b`)
)

// checkTokens lists, sorted, the string literals and numbers of CHECK expressions, which
// survive PostgreSQL's rewriting of IN into = ANY (ARRAY[…]) and BETWEEN into >= AND <=.
func checkTokens(expr string) []string {
	out := stringLiteralRE.FindAllString(expr, -1)
	out = append(out, numberRE.FindAllString(stringLiteralRE.ReplaceAllString(expr, "''"), -1)...)
	sort.Strings(out)
	return out
}

// checkTranslations are the CHECK literals of schema.sql that schema_postgres.sql writes
// differently, per table: GLOB patterns became regexes, the weekday test moved into
// ep_is_weekday, CASE … ELSE 1 became ELSE true. "" drops the literal.
var checkTranslations = map[string][][2]string{
	"conversations":     {{`'[1-9]*:[1-9]*'`, `'^[1-9].*:[1-9].*$'`}},
	"subjects":          {{`'*[^A-Za-z0-9_-]*'`, `'[^A-Za-z0-9_-]'`}},
	"subject_materials": {{`1`, ``}},
	"appointments": {{`'[0-2][0-9]:[0-5][0-9]'`, `'^[0-2][0-9]:[0-5][0-9]$'`},
		{`'%w'`, ``}, {`'0'`, ``}, {`'6'`, ``}},
}

// translateTokens applies a table's checkTranslations to schema.sql's tokens.
func translateTokens(table string, tokens []string) ([]string, error) {
	out := slices.Clone(tokens)
	for _, tr := range checkTranslations[table] {
		i := slices.Index(out, tr[0])
		if i < 0 {
			return nil, fmt.Errorf("translation of %s no longer applies (update checkTranslations)", tr[0])
		}
		if tr[1] == "" {
			out = slices.Delete(out, i, i+1)
		} else {
			out[i] = tr[1]
		}
	}
	sort.Strings(out)
	return out, nil
}

// tokenDiff returns the tokens of a missing from b, as a multiset difference.
func tokenDiff(a, b []string) []string {
	left := slices.Clone(b)
	var out []string
	for _, x := range a {
		if i := slices.Index(left, x); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else {
			out = append(out, x)
		}
	}
	return out
}

// normDefault makes a default comparable across the engines: PostgreSQL adds casts
// ('student'::text) and writes the empty blob as '\x'.
func normDefault(s string) string {
	s = strings.TrimSpace(s)
	s = regexp.MustCompile(`::[a-z ]+$`).ReplaceAllString(s, "")
	if strings.EqualFold(s, "x''") {
		s = `'\x'`
	}
	if m := regexp.MustCompile(`^'(-?[0-9.]+)'$`).FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	return strings.TrimPrefix(strings.TrimSuffix(s, ")"), "(")
}

// normPredicate makes a partial index's WHERE comparable: PostgreSQL adds parentheses,
// casts and its own spacing.
func normPredicate(s string) string {
	s = regexp.MustCompile(`::[a-z]+`).ReplaceAllString(s, "")
	s = strings.NewReplacer("(", " ", ")", " ").Replace(s)
	s = regexp.MustCompile(`\s*([=<>!]+)\s*`).ReplaceAllString(s, "$1")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func sqliteFamily(decl string, nocase bool) string {
	f := strings.ToLower(strings.Fields(decl + " ?")[0])
	if f == "text" && nocase {
		return "text nocase"
	}
	return f
}

func postgresFamily(typ string) string {
	typ = typ[strings.LastIndex(typ, ".")+1:] // public.citext when outside the search_path
	switch typ {
	case "bigint":
		return "integer"
	case "double precision":
		return "real"
	case "bytea":
		return "blob"
	case "citext":
		return "text nocase"
	}
	return typ
}

// sqliteNocaseColumns reads which columns a CREATE TABLE declares COLLATE NOCASE
// (no pragma says so).
func sqliteNocaseColumns(create string) map[string]bool {
	body := stripSQLComments(create)
	body = body[strings.Index(body, "(")+1 : strings.LastIndex(body, ")")]
	out := map[string]bool{}
	depth, start := 0, 0
	for i := 0; i <= len(body); i++ {
		if i < len(body) {
			switch body[i] {
			case '(':
				depth++
				continue
			case ')':
				depth--
				continue
			case '\'':
				i += strings.IndexByte(body[i+1:], '\'') + 1
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		def := strings.TrimSpace(body[start:i])
		start = i + 1
		if f := strings.Fields(def); len(f) > 0 && regexp.MustCompile(`(?i)\bCOLLATE\s+NOCASE\b`).MatchString(def) {
			out[strings.Trim(f[0], `"`)] = true
		}
	}
	return out
}

func describeSQLite(t *testing.T, db *sql.DB) dbSchema {
	t.Helper()
	rows, err := db.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	creates := map[string]string{}
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			t.Fatal(err)
		}
		creates[name] = create
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	// FTS5 tables and their shadow tables (posts_fts_data, …) have no PostgreSQL twin.
	var virtual []string
	for name, create := range creates {
		if strings.HasPrefix(strings.ToUpper(create), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
		}
	}
	for name := range creates {
		for _, v := range virtual {
			if name == v || strings.HasPrefix(name, v+"_") {
				delete(creates, name)
			}
		}
	}

	s := dbSchema{tables: map[string]*dbTable{}}
	for name, create := range creates {
		tb := &dbTable{indexes: map[string]string{}}
		s.tables[name] = tb
		bodies := sqliteChecks(create)
		tb.checks = len(bodies)
		tb.checkTokens = checkTokens(strings.Join(bodies, " "))
		nocase := sqliteNocaseColumns(create)
		withoutRowid := regexp.MustCompile(`(?i)\)\s*WITHOUT\s+ROWID\s*$`).MatchString(strings.TrimSpace(create))

		type colInfo struct {
			cid, notNull, pk int
			name, typ        string
			def              sql.NullString
		}
		var cols []colInfo
		r, err := db.Query(`SELECT cid, name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, name)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var c colInfo
			if err := r.Scan(&c.cid, &c.name, &c.typ, &c.notNull, &c.def, &c.pk); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		fkCols := map[string]bool{}
		for _, c := range queryStrings(t, db, `SELECT "from" FROM pragma_foreign_key_list(?)`, name) {
			fkCols[c] = true
		}
		pkCount := 0
		for _, c := range cols {
			if c.pk > 0 {
				pkCount++
			}
		}
		tb.pk = make([]string, pkCount)
		for _, c := range cols {
			col := dbColumn{name: c.name, family: sqliteFamily(c.typ, nocase[c.name]),
				// a primary key column is NOT NULL in PostgreSQL by rule, and in SQLite for an
				// id (rowid alias) and in WITHOUT ROWID tables, which are all the others here
				notNull: c.notNull == 1 || c.pk > 0}
			if c.def.Valid {
				col.def = normDefault(c.def.String)
			}
			if c.pk > 0 {
				tb.pk[c.pk-1] = c.name
				// An id (rowid alias) numbers itself; one that is also a foreign key
				// (profiles.user_id) is always given.
				if pkCount == 1 && strings.EqualFold(c.typ, "INTEGER") && !withoutRowid && !fkCols[c.name] {
					col.def = "identity"
				}
			}
			tb.columns = append(tb.columns, col)
		}

		// Indexes: unique constraints (origin u), named indexes (origin c); the primary
		// key's own index (origin pk) is the pk above.
		type idxInfo struct {
			name, origin    string
			unique, partial int
		}
		var idxs []idxInfo
		r, err = db.Query(`SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, name)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var x idxInfo
			if err := r.Scan(&x.name, &x.unique, &x.origin, &x.partial); err != nil {
				t.Fatal(err)
			}
			idxs = append(idxs, x)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		for _, x := range idxs {
			if x.origin == "pk" {
				continue
			}
			var keys []string
			r, err := db.Query(`SELECT cid, coalesce(name, ''), "desc", coalesce(coll, '') FROM pragma_index_xinfo(?)
				WHERE key = 1 ORDER BY seqno`, x.name)
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var cid, desc int
				var col, coll string
				if err := r.Scan(&cid, &col, &desc, &coll); err != nil {
					t.Fatal(err)
				}
				switch {
				case cid == -2:
					col = "expression"
				case strings.EqualFold(coll, "NOCASE") && !nocase[col]:
					col = "lower(" + col + ")" // a NOCASE index on a plain column
				}
				if desc == 1 {
					col += " DESC"
				}
				keys = append(keys, col)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			where := ""
			if x.partial == 1 {
				var def string
				if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, x.name).Scan(&def); err != nil {
					t.Fatal(err)
				}
				def = stripSQLComments(def)
				where = " WHERE " + normPredicate(def[regexp.MustCompile(`(?i)\bWHERE\b`).FindStringIndex(def)[1]:])
			}
			if x.unique == 1 {
				tb.uniques = append(tb.uniques, uniqueSet(keys)+where)
			}
			if x.origin == "c" {
				tb.indexes[x.name] = indexDesc(x.unique == 1, keys, where)
			}
		}
		sort.Strings(tb.uniques)

		r, err = db.Query(`SELECT id, "table", "from", coalesce("to", ''), on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, name)
		if err != nil {
			t.Fatal(err)
		}
		type fkPart struct{ table, from, to, onDelete string }
		byID := map[int][]fkPart{}
		var order []int
		for r.Next() {
			var id int
			var p fkPart
			if err := r.Scan(&id, &p.table, &p.from, &p.to, &p.onDelete); err != nil {
				t.Fatal(err)
			}
			if _, ok := byID[id]; !ok {
				order = append(order, id)
			}
			byID[id] = append(byID[id], p)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		for _, id := range order {
			var from, to []string
			for _, p := range byID[id] {
				from, to = append(from, p.from), append(to, p.to)
			}
			p := byID[id][0]
			tb.fks = append(tb.fks, fkDesc(from, p.table, to, p.onDelete))
		}
		sort.Strings(tb.fks)
	}
	return s
}

func uniqueSet(keys []string) string {
	k := slices.Clone(keys)
	sort.Strings(k)
	return "(" + strings.Join(k, ", ") + ")"
}

func indexDesc(unique bool, keys []string, where string) string {
	u := ""
	if unique {
		u = "UNIQUE "
	}
	return u + "(" + strings.Join(keys, ", ") + ")" + where
}

func fkDesc(from []string, table string, to []string, onDelete string) string {
	return fmt.Sprintf("(%s) -> %s(%s) ON DELETE %s", strings.Join(from, ", "), table,
		strings.Join(to, ", "), strings.ToUpper(onDelete))
}

// pgOnlyTables are in schema_postgres.sql alone, on purpose: media_blobs holds the
// uploads of a site on several hosts (-media db), which SQLite never runs as.
var pgOnlyTables = map[string]bool{"media_blobs": true}

func describePostgres(t *testing.T, db *sql.DB) dbSchema {
	t.Helper()
	s := dbSchema{tables: map[string]*dbTable{}, searchIndexes: map[string]bool{}}
	names := queryStrings(t, db, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	for _, name := range names {
		if pgOnlyTables[name] {
			continue
		}
		tb := &dbTable{indexes: map[string]string{}}
		s.tables[name] = tb
		checks := queryStrings(t, db, `SELECT pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid = $1::regclass AND contype = 'c'`, name)
		tb.checks = len(checks)
		tb.checkTokens = checkTokens(strings.Join(checks, " "))

		r, err := db.Query(`SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
				a.attidentity <> '', coalesce(pg_get_expr(d.adbin, d.adrelid), '')
			FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
			  AND a.attname <> 'search_vector'
			ORDER BY a.attnum`, name)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var c dbColumn
			var typ, def string
			var identity bool
			if err := r.Scan(&c.name, &typ, &c.notNull, &identity, &def); err != nil {
				t.Fatal(err)
			}
			c.family = postgresFamily(typ)
			switch {
			case identity:
				c.def = "identity"
			case def != "":
				c.def = normDefault(def)
			}
			tb.columns = append(tb.columns, c)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}

		r, err = db.Query(`SELECT ic.relname, i.indisunique, i.indisprimary,
				EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype = 'u'),
				coalesce(pg_get_expr(i.indpred, i.indrelid), ''), am.amname,
				(SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), '|' ORDER BY k)
				   FROM generate_series(1, i.indnkeyatts) k)
			FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
			WHERE i.indrelid = $1::regclass`, name)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var idx, pred, am, cols string
			var unique, primary, constraint bool
			if err := r.Scan(&idx, &unique, &primary, &constraint, &pred, &am, &cols); err != nil {
				t.Fatal(err)
			}
			keys := strings.Split(strings.ReplaceAll(cols, `"`, ""), "|") // "position" is a keyword
			switch {
			case primary:
				tb.pk = keys
				continue
			case am == "gin" && cols == "search_vector":
				s.searchIndexes[idx] = true
				continue
			}
			where := ""
			if pred != "" {
				where = " WHERE " + normPredicate(pred)
			}
			if unique {
				tb.uniques = append(tb.uniques, uniqueSet(keys)+where)
			}
			if !constraint {
				tb.indexes[idx] = indexDesc(unique, keys, where)
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		sort.Strings(tb.uniques)

		r, err = db.Query(`SELECT
				(SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
				   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
				c.confrelid::regclass::text,
				(SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
				   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n),
				CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
				                   WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END
			FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'f'`, name)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var from, table, to, onDelete string
			if err := r.Scan(&from, &table, &to, &onDelete); err != nil {
				t.Fatal(err)
			}
			tb.fks = append(tb.fks, fkDesc([]string{from}, table, []string{to}, onDelete))
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		sort.Strings(tb.fks)
	}
	return s
}

// queryStrings reads a one-column answer as strings.
func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compareSchemas reports every difference, each naming its table (and column or index).
func compareSchemas(t *testing.T, lite, pg dbSchema) {
	t.Helper()
	const a, b = "schema.sql", "schema_postgres.sql"
	for _, name := range sortedKeys(lite.tables) {
		if pg.tables[name] == nil {
			t.Errorf("table %s: in %s, missing from %s", name, a, b)
		}
	}
	for _, name := range sortedKeys(pg.tables) {
		want, got := lite.tables[name], pg.tables[name]
		if want == nil {
			t.Errorf("table %s: in %s, missing from %s", name, b, a)
			continue
		}
		colNames := func(cs []dbColumn) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.name)
			}
			return out
		}
		if w, g := colNames(want.columns), colNames(got.columns); !slices.Equal(w, g) {
			for _, c := range w {
				if !slices.Contains(g, c) {
					t.Errorf("column %s.%s: in %s, missing from %s", name, c, a, b)
				}
			}
			for _, c := range g {
				if !slices.Contains(w, c) {
					t.Errorf("column %s.%s: in %s, missing from %s", name, c, b, a)
				}
			}
			t.Errorf("table %s: columns differ:\n  %s: %v\n  %s: %v", name, a, w, b, g)
		}
		pgCols := map[string]dbColumn{}
		for _, c := range got.columns {
			pgCols[c.name] = c
		}
		for _, w := range want.columns {
			g, ok := pgCols[w.name]
			if !ok {
				continue
			}
			if w.family != g.family {
				t.Errorf("column %s.%s: type %s in %s, %s in %s", name, w.name, w.family, a, g.family, b)
			}
			if w.notNull != g.notNull {
				t.Errorf("column %s.%s: NOT NULL %v in %s, %v in %s", name, w.name, w.notNull, a, g.notNull, b)
			}
			if w.def != g.def {
				t.Errorf("column %s.%s: default %q in %s, %q in %s", name, w.name, w.def, a, g.def, b)
			}
		}
		if !slices.Equal(want.pk, got.pk) {
			t.Errorf("table %s: primary key %v in %s, %v in %s", name, want.pk, a, got.pk, b)
		}
		if !slices.Equal(want.uniques, got.uniques) {
			t.Errorf("table %s: unique column sets\n  %s: %v\n  %s: %v", name, a, want.uniques, b, got.uniques)
		}
		if !slices.Equal(want.fks, got.fks) {
			t.Errorf("table %s: foreign keys\n  %s: %v\n  %s: %v", name, a, want.fks, b, got.fks)
		}
		for _, idx := range sortedKeys(want.indexes) {
			g, ok := got.indexes[idx]
			switch {
			case !ok:
				t.Errorf("index %s on %s: in %s, missing from %s", idx, name, a, b)
			case g != want.indexes[idx]:
				t.Errorf("index %s on %s: %s in %s, %s in %s", idx, name, want.indexes[idx], a, g, b)
			}
		}
		for _, idx := range sortedKeys(got.indexes) {
			if _, ok := want.indexes[idx]; !ok {
				t.Errorf("index %s on %s: in %s, missing from %s", idx, name, b, a)
			}
		}
		if want.checks != got.checks {
			t.Errorf("table %s: %d CHECK constraints in %s, %d in %s", name, want.checks, a, got.checks, b)
		}
		wantTokens, err := translateTokens(name, want.checkTokens)
		if err != nil {
			t.Errorf("table %s: CHECK literals: %v", name, err)
		} else if !slices.Equal(wantTokens, got.checkTokens) {
			t.Errorf("table %s: CHECK literals differ: only in %s %v, only in %s %v", name,
				a, tokenDiff(wantTokens, got.checkTokens), b, tokenDiff(got.checkTokens, wantTokens))
		}
	}
}

// pgCheckSample mirrors some of TestSchemaCheck's rejects on PostgreSQL, each beside an
// accepted twin so that a CHECK refusing everything fails too, and proves each refusal
// is the constraint's (check or unique violation), not an error in evaluating it.
func pgCheckSample(t *testing.T, db *sql.DB) {
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	id := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRow(q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	reject := func(why, code, q string, args ...any) {
		t.Helper()
		_, err := db.Exec(q, args...)
		var pe *pgconn.PgError
		switch {
		case err == nil:
			t.Errorf("%s: accepted: %s %v", why, q, args)
		case !errors.As(err, &pe) || pe.Code != code:
			t.Errorf("%s: want SQLSTATE %s, got %v", why, code, err)
		}
	}
	const checkViolation, uniqueViolation = "23514", "23505"

	const addUser = `INSERT INTO users (username, email, password_hash, first_name, last_name,
		user_type, birthdate, date_joined) VALUES ($1, $2, 'x', $3, $4, $5, $6, 0) RETURNING id`
	alice := id(addUser, "alice", "alice@example.com", "Alice", "Smith", "student", "2024-02-29")
	bob := id(addUser, "bob", "bob@example.com", "Bob", "Müller", "instructor", nil)
	reject("bad user type", checkViolation, addUser, "carol", "carol@example.com", "C", "C", "wizard", nil)
	reject("bad birthdate", checkViolation, addUser, "carol", "carol@example.com", "C", "C", "student", "2026-02-30")
	reject("birthdate not a date", checkViolation, addUser, "carol", "carol@example.com", "C", "C", "student", "soon")
	reject("username differing in case", uniqueViolation, addUser, "ALICE", "other@example.com", "A", "S", "student", nil)
	reject("email differing in case", uniqueViolation, addUser, "alice2", "Alice@Example.COM", "A", "S", "student", nil)
	if got := id(`SELECT id FROM users WHERE username = $1`, "AlIcE"); got != alice {
		t.Errorf("username = 'AlIcE' found %d, want alice %d", got, alice)
	}

	post := id(`INSERT INTO posts (user_id, content, created_at, updated_at)
		VALUES ($1, 'Alicante trip, a CAFÉ crème, ΑΘΗΝΑ and probability homework', 0, 0) RETURNING id`, bob)
	const addNote = `INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, created_at)
		VALUES ($1, $2, $3, $4, '/home/', 0)`
	reject("self notification", checkViolation, addNote, bob, bob, "like", post)
	reject("bad notification type", checkViolation, addNote, bob, alice, "poke", post)
	exec(addNote, bob, alice, "like", post)
	reject("second like notification", uniqueViolation, addNote, bob, alice, "like", post)

	const addSubject = `INSERT INTO subjects (name, code, description, created_at, updated_at)
		VALUES ('Statistics', $1, 'Probability and inference', 0, 0)`
	exec(addSubject, "CS-101")
	reject("duplicate code (case-insensitive)", uniqueViolation, addSubject, "cs-101")
	reject("code with a slash", checkViolation, addSubject, "a/b")

	const addAppt = `INSERT INTO appointments (instructor_id, name, email, appointment_date, appointment_time,
		created_at, updated_at) VALUES ($1, 'Ann', 'ann@example.com', $2, $3, 0, 0)`
	exec(addAppt, bob, "2026-11-25", "10:00") // a Wednesday
	reject("Saturday", checkViolation, addAppt, bob, "2026-11-28", "10:00")
	reject("bad date", checkViolation, addAppt, bob, "2026-02-30", "10:00")
	reject("08:59", checkViolation, addAppt, bob, "2026-11-25", "08:59")
	reject("time not HH:MM", checkViolation, addAppt, bob, "2026-11-25", "9:30")

	const addEducation = `INSERT INTO profile_education (user_id, institution, degree, start_date, end_date,
		created_at, updated_at) VALUES ($1, 'Uni', 'BSc', $2, $3, 0, 0)`
	exec(addEducation, alice, "2020-09-01", nil)
	reject("end before start", checkViolation, addEducation, alice, "2020-09-01", "2019-06-30")
	reject("bad date format", checkViolation, addEducation, alice, "2020-9-1", nil)

	const addProfile = `INSERT INTO profiles (user_id, website, created_at, updated_at) VALUES ($1, $2, 0, 0)`
	reject("javascript website", checkViolation, addProfile, alice, "javascript:alert(1)")
	exec(addProfile, alice, "HTTPS://example.com/") // SQLite's LIKE ignores ASCII case

	str := func(ids ...int64) []string {
		var out []string
		for _, id := range ids {
			out = append(out, fmt.Sprint(id))
		}
		return out
	}

	// ep_json_each stands for json_each over a JSON array of ids (pgsql.go's rewrite).
	if got := queryStrings(t, db, `SELECT key || ':' || value FROM ep_json_each($1) ORDER BY key`, "[3,1,2]"); !slices.Equal(got, []string{"0:3", "1:1", "2:2"}) {
		t.Errorf("ep_json_each([3,1,2]) = %v", got)
	}
	if got := queryStrings(t, db, `SELECT id::text FROM users WHERE id IN (SELECT value FROM ep_json_each($1))`,
		fmt.Sprintf("[%d]", bob)); !slices.Equal(got, str(bob)) {
		t.Errorf("id IN ep_json_each = %v, want %v", got, str(bob))
	}

	// sum(boolean) counts the rows where a comparison holds, as SQLite's SUM(a = b).
	if got := queryStrings(t, db, `SELECT sum(user_type = 'student')::text FROM users`); !slices.Equal(got, []string{"1"}) {
		t.Errorf("sum(user_type = 'student') = %v, want [1]", got)
	}

	// Search: the word being typed matches as a prefix, diacritics folded.
	search := func(table, query string) []string {
		t.Helper()
		return queryStrings(t, db, `SELECT id::text FROM `+table+
			` WHERE search_vector @@ to_tsquery('simple', $1) ORDER BY id`, query)
	}
	for _, c := range []struct {
		table, query string
		want         []string
	}{
		{"users", "ali:*", str(alice)},
		{"users", "muller:*", str(bob)},
		{"users", "zed:*", nil},
		{"posts", "ali:*", str(post)},
		{"posts", "cafe:*", str(post)},
		{"posts", "prob:*", str(post)},
		{"posts", "αθην:*", str(post)}, // lower-cased beyond ASCII under LC_CTYPE C too
		{"posts", "bob:*", nil},
		{"subjects", "cs:*", queryStrings(t, db, `SELECT id::text FROM subjects`)},
		{"subjects", "infer:*", queryStrings(t, db, `SELECT id::text FROM subjects`)},
	} {
		if got := search(c.table, c.query); !slices.Equal(got, c.want) {
			t.Errorf("%s matching %s = %v, want %v", c.table, c.query, got, c.want)
		}
	}
	// The vector follows an edit of the row, also under the empty search_path that
	// pg_restore runs with (the generated column calls ep_search_text, which calls unaccent).
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() // after Commit, a no-op
	for _, q := range []string{`SET LOCAL search_path = ''`,
		`UPDATE public.users SET first_name = 'Zed' WHERE id = ` + fmt.Sprint(bob)} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := search("users", "zed:*"); !slices.Equal(got, str(bob)) {
		t.Errorf("after an edit, users matching zed:* = %v, want %v", got, str(bob))
	}
}
