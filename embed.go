package main

import (
	"embed"
	"io/fs"
)

// schemaSQL is the fresh-install schema; see app/store/migrate.go.
//
//go:embed schema.sql
var schemaSQL string

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
