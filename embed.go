package main

import (
	"embed"
	"io/fs"

	"eplatform/app/config"
	"eplatform/app/state"
	"eplatform/app/store"
)

// schemaSQL is the fresh-install schema; see app/store/migrate.go.
//
//go:embed schema.sql
var schemaSQL string

// schemaPostgresSQL is the same schema for PostgreSQL (-db postgres://…).
//
//go:embed schema_postgres.sql
var schemaPostgresSQL string

// storeOptions are the database options of cfg with both schemas.
func storeOptions(cfg *config.Config) store.Options {
	return state.StoreOptions(cfg, schemaSQL, schemaPostgresSQL)
}

//go:embed views/static
var staticFiles embed.FS

// staticFS is views/static as the root of a file system.
func staticFS() fs.FS {
	sub, err := fs.Sub(staticFiles, "views/static")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
