package pgtest

import (
	"database/sql"
	"testing"
)

func TestSharedServer(t *testing.T) {
	a, b := URL(t), URL(t)
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	db, err := sql.Open("pgx", a)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("SHOW server_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL %s at %s", v, a)
	if _, err := db.Exec("CREATE TABLE x (id bigint PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
}
