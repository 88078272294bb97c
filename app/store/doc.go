// Package store is the only place with SQL. It owns the SQLite file: two connection
// pools on it (one writer, many readers), the schema and its migrations, and one file
// of queries per aggregate (users.go, sessions.go, ...).
//
// Reads go through the reader pool (DB embeds *Queries bound to it). Every write runs
// in DB.WithTx, an immediate transaction on the single writer connection, so two
// writers never upgrade a read lock at the same time — the cause of "database is
// locked" in most SQLite apps. Instants are Unix milliseconds UTC.
package store
