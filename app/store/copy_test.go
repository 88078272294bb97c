package store

import (
	"context"
	"path/filepath"
	"testing"

	"eplatform/app/internal/pgtest"
)

// TestCopyTo copies a SQLite database with bytes (an empty BLOB among them), NULLs,
// text beyond ASCII and identity ids into PostgreSQL: every table verified, the
// sequences moved past the copied ids; and the checksum sees a changed byte.
func TestCopyTo(t *testing.T) {
	ctx := context.Background()
	lite, err := Open(ctx, Options{Path: filepath.Join(t.TempDir(), "src.db"), Schema: readSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if err := seed(t, lite, SeedOptions{}, seedFixture()...); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO sessions (id_hash, user_id, data, created_at, last_seen_at, expires_at) VALUES (x'00ff10', 2, x'', 1, 1, 9)`,
		`INSERT INTO sessions (id_hash, user_id, data, user_agent, created_at, last_seen_at, expires_at) VALUES (x'01', NULL, x'0001020304', 'Mozilla/5.0 (Ünïcode ✓)', 1, 1, 9)`,
		`UPDATE users SET first_name = 'Zoë 😀' WHERE id = 3`,
	} {
		if _, err := lite.Raw().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	pg, err := Open(ctx, Options{URL: pgtest.URL(t), PostgresSchema: readPostgresSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var seen int
	res, err := lite.CopyTo(ctx, pg, func(TableCopy) { seen++ })
	if err != nil {
		t.Fatal(err)
	}
	tables, _ := lite.Tables(ctx)
	if len(res) != len(tables) || seen != len(res) {
		t.Errorf("%d tables copied (%d reported), the source has %d", len(res), seen, len(tables))
	}
	rows := map[string]int64{}
	for _, c := range res {
		if !c.OK() {
			t.Errorf("%s: %+v", c.Table, c)
		}
		rows[c.Table] = c.TargetRows
	}
	if rows["sessions"] != 2 || rows["users"] != 3 || rows["notifications"] != 6 {
		t.Errorf("rows: %v", rows)
	}
	var data []byte
	if err := pg.Raw().QueryRow(`SELECT data FROM sessions WHERE id_hash = ?`, []byte{0, 0xff, 0x10}).Scan(&data); err != nil || data == nil || len(data) != 0 {
		t.Errorf("empty blob: %q %v", data, err)
	}
	if u, err := pg.UserByID(ctx, 3); err != nil || u.FirstName != "Zoë 😀" {
		t.Errorf("user 3: %+v %v", u, err)
	}
	// The identity sequences continue after the copied ids.
	err = pg.WithTx(ctx, func(tx *Queries) error {
		id, err := tx.CreateUser(ctx, NewUser{Username: "next", Email: "next@example.edu", PasswordHash: "x", UserType: "student"})
		if err == nil && id != 4 {
			t.Errorf("new user id %d, want 4", id)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A copied value changed by one byte changes the checksum.
	_, before, err := checksum(ctx, pg.writer, `SELECT id_hash, data FROM sessions`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pg.Raw().Exec(`UPDATE sessions SET data = '\x0001020305'::bytea WHERE id_hash = '\x01'::bytea`); err != nil {
		t.Fatal(err)
	}
	if _, after, err := checksum(ctx, pg.writer, `SELECT id_hash, data FROM sessions`); err != nil || after == before {
		t.Errorf("checksum unchanged by a changed byte (%v)", err)
	}
	// A target with rows is refused.
	if _, err := lite.CopyTo(ctx, pg, nil); err == nil {
		t.Error("copied into a database with rows")
	}
}
