// Package backup turns a site's data directory into one archive and back.
//
// An archive is a zip file with fixed entry names:
//
//	eplatform.db    a VACUUM INTO snapshot of the database, taken while the site serves
//	secrets.json    the generated access codes (a restored site keeps them)
//	media/…         every uploaded file
//	manifest.json   written last: app and schema version, creation time, rows per table,
//	                and every other entry with its size and SHA-256
//
// Why zip rather than tar.gz: each entry is compressed on its own, so the database is
// deflated while photos and videos, already compressed, are stored as they are
// (gzip over a whole tar would burn CPU on them for nothing); the central directory at
// the end lists every entry, so a truncated download is refused before anything is
// written, and every entry name can be checked before the first byte is extracted;
// and a self-hoster can open one on any desktop without extra tools. Both formats can
// be written as a stream, which the admin download needs.
//
// The snapshot is taken first and the media copied after it, so every file the
// snapshot refers to is in the archive unless it was deleted meanwhile; a file
// uploaded meanwhile is carried along unreferenced, which does no harm.
//
// Restore checks the whole archive (names, manifest, checksums, PRAGMA
// integrity_check, rows per table) in a staging directory inside the target, and only
// then moves the site's files into place; see Restore.
package backup

import (
	"archive/zip"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"eplatform/app/store"
)

// Entry names inside an archive, which are also the names in the data directory
// (config.Config.DatabasePath, MediaDir and the secrets file; a test keeps them equal).
const (
	DatabaseName = "eplatform.db"
	SecretsName  = "secrets.json"
	MediaDir     = "media"
	ManifestName = "manifest.json"
)

// Format is the archive layout version written into manifests; Restore refuses a
// newer one.
const Format = 1

// appName marks our manifests, so an unrelated zip is refused by name rather than by
// a checksum puzzle.
const appName = "eplatform"

// Manifest describes an archive. It is its last entry.
type Manifest struct {
	Format int `json:"format"`
	// Database is "postgresql" when the database is a pg_dump (PgDumpName); empty for
	// SQLite's eplatform.db.
	Database      string           `json:"database,omitempty"`
	App           string           `json:"app"`
	AppVersion    string           `json:"app_version"`
	SchemaVersion int              `json:"schema_version"`
	Created       time.Time        `json:"created"`
	Tables        map[string]int64 `json:"tables"`
	Files         []File           `json:"files"`
}

// File is one entry of the archive besides the manifest.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Size is the total size of the files the manifest lists.
func (m *Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// Source is the site to back up.
type Source struct {
	DataDir string // holds eplatform.db, media/ and secrets.json
	Version string // the app version recorded in the manifest
	// Postgres is the postgres:// URL of a site on PostgreSQL: its database is dumped
	// with pg_dump (see postgres.go) instead of read from DataDir.
	Postgres string
	// Now stamps the manifest (time.Now when nil).
	Now func() time.Time
}

func (s Source) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Write streams an archive of src to w. Nothing is written to w until the database
// snapshot has been taken and has passed its integrity check, so a caller that sees
// an error with nothing written can still answer with an error page. A failure after
// that leaves w without the zip's central directory, which every reader (and
// Restore) refuses.
func Write(ctx context.Context, w io.Writer, src Source) (*Manifest, error) {
	if src.Postgres != "" {
		return write(ctx, w, src, PgDumpName, func(snap string) (store.FileSummary, error) {
			return dumpPostgres(ctx, src.Postgres, snap)
		})
	}
	db := filepath.Join(src.DataDir, DatabaseName)
	if _, err := os.Stat(db); err != nil {
		return nil, fmt.Errorf("backup: no site in %s: %w", src.DataDir, err)
	}
	return write(ctx, w, src, DatabaseName, func(snap string) (store.FileSummary, error) {
		if err := store.VacuumInto(ctx, db, snap); err != nil {
			return store.FileSummary{}, fmt.Errorf("backup: %w", err)
		}
		// A corrupt database found now, while the original may still be repaired, is
		// worth far more than one found at restore time.
		if err := store.CheckFile(ctx, snap); err != nil {
			return store.FileSummary{}, fmt.Errorf("backup: the database snapshot is damaged: %w", err)
		}
		sum, err := store.Summarize(ctx, snap)
		if err != nil {
			return sum, fmt.Errorf("backup: %w", err)
		}
		return sum, nil
	})
}

// write archives src with the database snapshot that snapshot writes to the path it
// is given, as the entry dbName.
func write(ctx context.Context, w io.Writer, src Source, dbName string, snapshot func(path string) (store.FileSummary, error)) (*Manifest, error) {
	// The snapshot needs room the size of the database; the data directory is where
	// that is most likely available, and on the same disk as the database. A site on
	// PostgreSQL may not have one yet (no secrets, no media): then the system's.
	tmpDir := src.DataDir
	if _, err := os.Stat(tmpDir); err != nil && src.Postgres != "" {
		tmpDir = ""
	}
	tmp, err := os.MkdirTemp(tmpDir, "backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, dbName)
	sum, err := snapshot(snap)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, App: appName, AppVersion: src.Version, SchemaVersion: sum.SchemaVersion,
		Created: src.now(), Tables: sum.Tables, Files: []File{}}
	method := uint16(zip.Deflate)
	if src.Postgres != "" {
		m.Database = "postgresql"
		method = zip.Store // pg_dump's custom format is compressed already
	}

	zw := zip.NewWriter(w)
	// The fastest deflate level: on database pages it keeps most of the gain of the
	// default level at several times the speed (measured in BENCHMARKS.md).
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	add := func(name, from string, method uint16) error {
		f, err := addFile(ctx, zw, name, from, method)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, f)
		return nil
	}
	if err := add(dbName, snap, method); err != nil {
		return nil, err
	}
	_ = os.Remove(snap) // its room is free for the rest of the run
	switch err := add(SecretsName, filepath.Join(src.DataDir, SecretsName), zip.Deflate); {
	case errors.Is(err, fs.ErrNotExist):
		// The codes come from the environment and no server ever ran here; the
		// restored site will get them the same way.
	case err != nil:
		return nil, err
	}
	if err := addMedia(ctx, zw, filepath.Join(src.DataDir, MediaDir), m); err != nil {
		return nil, err
	}
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: m.Created})
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	enc := json.NewEncoder(mw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// addMedia adds every uploaded file under root as media/…, in lexical order. Files
// being written (media.Store saves to NAME.tmp and renames) and hidden files (which
// media never serves) are left out; a file deleted while the walk runs is skipped.
func addMedia(ctx context.Context, zw *zip.Writer, root string, m *Manifest) error {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // no uploads yet, or a folder removed meanwhile
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(d.Name(), ".tmp") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		f, err := addFile(ctx, zw, path.Join(MediaDir, filepath.ToSlash(rel)), p, zip.Store)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		m.Files = append(m.Files, f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("backup: media: %w", err)
	}
	return nil
}

// addFile copies the file at from into the archive as name, hashing it on the way.
// A missing file is reported as fs.ErrNotExist before anything is written.
func addFile(ctx context.Context, zw *zip.Writer, name, from string, method uint16) (File, error) {
	src, err := os.Open(from)
	if err != nil {
		return File{}, err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return File{}, err
	}
	h := &zip.FileHeader{Name: name, Method: method, Modified: info.ModTime()}
	h.SetMode(0o640)
	dst, err := zw.CreateHeader(h)
	if err != nil {
		return File{}, fmt.Errorf("backup: %s: %w", name, err)
	}
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(dst, sum), ctxReader{ctx, src})
	if err != nil {
		return File{}, fmt.Errorf("backup: %s: %w", name, err)
	}
	return File{Path: name, Size: n, SHA256: hex.EncodeToString(sum.Sum(nil))}, nil
}

// ctxReader stops a long copy when ctx ends (a closed download, a stopping server).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// WriteFile writes an archive of src to path, which must not exist. The archive is
// written under a temporary name beside path, synced and renamed, so path is either a
// complete archive or absent. It returns the manifest and the archive's size.
func WriteFile(ctx context.Context, path string, src Source) (*Manifest, int64, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, 0, fmt.Errorf("backup: %s already exists", path)
	}
	dir := filepath.Dir(path)
	// CreateTemp makes the file 0600, which suits an archive holding the access codes.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return nil, 0, fmt.Errorf("backup: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	m, err := Write(ctx, f, src)
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if err := f.Sync(); err != nil {
		return nil, 0, fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, 0, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, 0, fmt.Errorf("backup: %w", err)
	}
	ok = true
	syncDir(dir)
	return m, info.Size(), nil
}

// syncDir makes a rename in dir durable. Some filesystems cannot sync a directory;
// the rename then is as durable as they make it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: the archive itself was synced; some filesystems refuse a directory sync
		d.Close()
	}
}
