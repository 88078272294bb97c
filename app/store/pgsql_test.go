package store

import "testing"

func TestPgSQLRewrite(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`SELECT ?2, ?1, ?2`, `SELECT $2, $1, $2`},
		{`SELECT '?' , ?`, `SELECT '?' , $1`},
		{`SELECT 'it''s ? LIKE', x LIKE ?`, `SELECT 'it''s ? LIKE', x ILIKE $1`},
		{`INSERT OR IGNORE INTO t (a) VALUES (?)`, `INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING`},
		{`INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id`, `INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id`},
		{`WHERE actor_name = ? COLLATE NOCASE AND id < ?`, `WHERE lower(actor_name) = lower($1) AND id < $2`},
		{`ORDER BY u.last_name COLLATE NOCASE, s.name COLLATE NOCASE`, `ORDER BY lower(u.last_name), lower(s.name)`},
		{`WHERE a IS ? AND b IS NOT ?1 AND c IS NULL AND d IS NOT NULL AND e IS NOT x.y`,
			`WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $1 AND c IS NULL AND d IS NOT NULL AND e IS DISTINCT FROM x.y`},
		{`SET a = max(?, created_at), b = max(b), c = min(coalesce(x, 0), f(y, z)), d = max(count(*))`,
			`SET a = GREATEST($1, created_at), b = max(b), c = LEAST(coalesce(x, 0), f(y, z)), d = max(count(*))`},
		{`id IN (SELECT value FROM json_each(?))`, `id IN (SELECT value FROM ep_json_each($1))`},
	} {
		if got := rewritePg(c.in); got != c.want {
			t.Errorf("rewritePg(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Every SQLite migration after the PostgreSQL baseline has its PostgreSQL twin; this
// runs without a server, so a migration added without one fails on every machine.
func TestPostgresMigrationsComplete(t *testing.T) {
	if _, err := loadPgMigrations(); err != nil {
		t.Fatal(err)
	}
}

func TestPgArgs(t *testing.T) {
	got := pgArgs([]any{true, false, "a\x00b", "ok", "bad\xff", int64(3)})
	want := []any{int64(1), int64(0), "a\x01b", "ok", "bad\x01", int64(3)}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pgArgs[%d] = %#v, want %#v", i, got[i], want[i])
		}
	}
}
