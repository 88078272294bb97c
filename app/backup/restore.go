package backup

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strings"

	"eplatform/app/store"
)

// ErrInvalid is wrapped by every refusal of an archive: not a zip, truncated, an
// unsafe or unexpected entry, a checksum that does not match, a damaged database.
var ErrInvalid = errors.New("not a valid backup archive")

// ErrNotEmpty is returned when the target directory holds files and Force is off.
var ErrNotEmpty = errors.New("the directory is not empty")

// RestoreOptions adjust Restore.
type RestoreOptions struct {
	// Force allows a directory that is not empty: the site's files in it are replaced.
	Force bool
	// LatestSchema is the newest schema version this binary runs
	// (store.LatestVersion()); an archive of a newer schema is refused. 0 skips the check.
	LatestSchema int
	// Postgres is the postgres:// URL of an empty database to load an archive of a
	// PostgreSQL site into (pg_restore); dir still receives its media and secrets.
	Postgres string
}

// siteFiles are the entries of a data directory that make up a site. With Force they
// are replaced together — the database's -wal and -shm above all, as SQLite would
// apply an old WAL to the restored file — and nothing else in the directory (a
// backups/ folder, say) is touched.
var siteFiles = []string{DatabaseName, DatabaseName + "-wal", DatabaseName + "-shm", DatabaseName + "-journal", SecretsName, MediaDir}

// maxManifest bounds the manifest read into memory (about 100 bytes per file).
const maxManifest = 64 << 20

// Restore installs the site in archive into dir. dir must be empty or missing unless
// o.Force is set. The server must not be running on dir.
//
// Nothing is changed until the archive has proved whole. Everything is extracted into
// a staging directory inside dir — inside, not beside it, because a data directory is
// often a mount point and renames do not cross filesystems — while every entry's size
// and SHA-256 are compared with the manifest; then the database must pass PRAGMA
// integrity_check and hold the manifest's rows per table. Only then are the old
// site's files moved aside and the new ones renamed into place, a few renames that
// are rolled back if one fails. Refusing leaves dir as it was.
func Restore(ctx context.Context, archive, dir string, o RestoreOptions) (*Manifest, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		if zr != nil {
			zr.Close()
		}
		return nil, fmt.Errorf("%w: %s: %v (truncated, or not a zip file)", ErrInvalid, archive, err)
	}
	defer zr.Close()
	m, entries, err := readManifest(&zr.Reader)
	if err != nil {
		return nil, err
	}
	if o.LatestSchema > 0 && m.SchemaVersion > o.LatestSchema {
		return nil, fmt.Errorf("%w: it holds schema version %d, newer than this program's %d; restore it with the version that made it (%s)",
			ErrInvalid, m.SchemaVersion, o.LatestSchema, m.AppVersion)
	}
	_, pg := entries[PgDumpName]
	switch {
	case pg && o.Postgres == "":
		return nil, fmt.Errorf("%s is the backup of a site on PostgreSQL: give -db postgres://… naming an empty database to restore it into", archive)
	case !pg && o.Postgres != "":
		return nil, fmt.Errorf("%s is the backup of a site on SQLite: restore it without -db, then copy it into PostgreSQL with eplatform migrate-to", archive)
	case pg:
		if err := checkPostgresTarget(ctx, o.Postgres); err != nil {
			return nil, err
		}
	}

	var created []string // folders made here, innermost first, removed on failure
	switch existing, err := os.ReadDir(dir); {
	case errors.Is(err, fs.ErrNotExist):
		for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
			if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
				break
			}
			created = append(created, d)
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("restore: %w", err)
	case !o.Force:
		for _, e := range existing {
			// The root of a freshly made ext4 volume — a common data directory — holds
			// lost+found; it is not a site.
			if e.Name() != "lost+found" {
				return nil, fmt.Errorf("%w: %s holds %s; restore into an empty directory, or use -force to replace the site in it", ErrNotEmpty, dir, e.Name())
			}
		}
	}
	stage, err := os.MkdirTemp(dir, ".restore-")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	ok := false
	defer func() {
		os.RemoveAll(stage)
		if !ok {
			for _, d := range created {
				os.Remove(d) // only if empty: nothing but ours is ever deleted
			}
		}
	}()
	for _, f := range m.Files {
		if err := extract(ctx, entries[f.Path], f, stage); err != nil {
			return nil, err
		}
	}
	replace := siteFiles
	if pg {
		dump := filepath.Join(stage, PgDumpName)
		if err := restorePostgres(ctx, o.Postgres, dump, m); err != nil {
			return nil, err
		}
		if err := os.Remove(dump); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		replace = []string{SecretsName, MediaDir} // a SQLite database in dir is not this site's
	} else if err := checkDatabase(ctx, filepath.Join(stage, DatabaseName), m); err != nil {
		return nil, err
	}
	if err := install(dir, stage, replace); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	ok = true
	return m, nil
}

// readManifest checks every entry name, reads the manifest and matches the two: the
// archive must hold exactly the files the manifest lists, each once.
func readManifest(zr *zip.Reader) (*Manifest, map[string]*zip.File, error) {
	entries := map[string]*zip.File{}
	var mf *zip.File
	for _, f := range zr.File {
		if f.Name == ManifestName {
			if mf != nil {
				return nil, nil, fmt.Errorf("%w: %s appears twice", ErrInvalid, ManifestName)
			}
			mf = f
			continue
		}
		if err := checkName(f.Name); err != nil {
			return nil, nil, err
		}
		if !f.Mode().IsRegular() {
			return nil, nil, fmt.Errorf("%w: entry %q is not a plain file (%v)", ErrInvalid, f.Name, f.Mode().Type())
		}
		if entries[f.Name] != nil {
			return nil, nil, fmt.Errorf("%w: entry %q appears twice", ErrInvalid, f.Name)
		}
		entries[f.Name] = f
	}
	if mf == nil {
		return nil, nil, fmt.Errorf("%w: it has no %s", ErrInvalid, ManifestName)
	}
	if mf.UncompressedSize64 > maxManifest {
		return nil, nil, fmt.Errorf("%w: %s is too large", ErrInvalid, ManifestName)
	}
	rc, err := mf.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrInvalid, ManifestName, err)
	}
	defer rc.Close()
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(rc, maxManifest)).Decode(&m); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrInvalid, ManifestName, err)
	}
	if m.App != appName {
		return nil, nil, fmt.Errorf("%w: its manifest is not an E-Platform one", ErrInvalid)
	}
	if m.Format < 1 || m.Format > Format {
		return nil, nil, fmt.Errorf("%w: archive format %d; this program reads up to %d", ErrInvalid, m.Format, Format)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		if err := checkName(f.Path); err != nil {
			return nil, nil, err
		}
		if listed[f.Path] {
			return nil, nil, fmt.Errorf("%w: the manifest lists %q twice", ErrInvalid, f.Path)
		}
		listed[f.Path] = true
		e := entries[f.Path]
		if e == nil {
			return nil, nil, fmt.Errorf("%w: %q is in the manifest but not in the archive", ErrInvalid, f.Path)
		}
		if f.Size < 0 || e.UncompressedSize64 != uint64(f.Size) {
			return nil, nil, fmt.Errorf("%w: %q has %d bytes, the manifest says %d", ErrInvalid, f.Path, e.UncompressedSize64, f.Size)
		}
	}
	for name := range entries {
		if !listed[name] {
			return nil, nil, fmt.Errorf("%w: %q is not in the manifest", ErrInvalid, name)
		}
	}
	switch {
	case !listed[DatabaseName] && !listed[PgDumpName]:
		return nil, nil, fmt.Errorf("%w: it has no %s (nor a PostgreSQL %s)", ErrInvalid, DatabaseName, PgDumpName)
	case listed[DatabaseName] && listed[PgDumpName]:
		return nil, nil, fmt.Errorf("%w: it holds two databases, %s and %s", ErrInvalid, DatabaseName, PgDumpName)
	}
	return &m, entries, nil
}

// checkName refuses an entry name Restore must not create: anything but the database,
// the secrets or a file under media/, and any name that could leave the directory
// ("..", absolute, backslashes) or hide in it (a part starting with a dot).
func checkName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w: unsafe entry %q (%s)", ErrInvalid, name, why) }
	if name == "" || strings.ContainsAny(name, "\\\x00") {
		return bad("empty, or a backslash or NUL in it")
	}
	if path.IsAbs(name) || !filepath.IsLocal(filepath.FromSlash(name)) {
		return bad("it leaves the directory")
	}
	if path.Clean(name) != name {
		return bad("not a clean path")
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return bad("a hidden or relative part")
		}
	}
	if name == DatabaseName || name == PgDumpName || name == SecretsName {
		return nil
	}
	if rest, ok := strings.CutPrefix(name, MediaDir+"/"); ok && rest != "" {
		return nil
	}
	return fmt.Errorf("%w: unexpected entry %q", ErrInvalid, name)
}

// extract writes one entry under stage, checking its size and SHA-256 against the
// manifest (and, by reading to the end, the zip's own CRC-32).
func extract(ctx context.Context, zf *zip.File, want File, stage string) error {
	to := filepath.Join(stage, filepath.FromSlash(want.Path))
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	mode := os.FileMode(0o640)
	if want.Path == SecretsName {
		mode = 0o600
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer out.Close()
	rc, err := zf.Open()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalid, want.Path, err)
	}
	defer rc.Close()
	sum := sha256.New()
	// One byte past the promised size: reading it proves the entry is not longer,
	// and reaching the end makes the zip reader check its CRC-32.
	n, err := io.Copy(io.MultiWriter(out, sum), ctxReader{ctx, io.LimitReader(rc, want.Size+1)})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) { // our disk, not the archive
			return fmt.Errorf("restore: %w", err)
		}
		return fmt.Errorf("%w: %s is damaged: %v", ErrInvalid, want.Path, err)
	}
	if n != want.Size {
		return fmt.Errorf("%w: %s has %d bytes, the manifest says %d", ErrInvalid, want.Path, n, want.Size)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != want.SHA256 {
		return fmt.Errorf("%w: %s does not match its checksum (SHA-256 %s, the manifest says %s)", ErrInvalid, want.Path, got, want.SHA256)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return out.Close()
}

// checkDatabase runs PRAGMA integrity_check on the extracted database and compares
// its schema version and rows per table with the manifest.
func checkDatabase(ctx context.Context, db string, m *Manifest) error {
	if err := store.CheckFile(ctx, db); err != nil {
		return fmt.Errorf("%w: the database is damaged: %v", ErrInvalid, err)
	}
	sum, err := store.Summarize(ctx, db)
	if err != nil {
		return fmt.Errorf("%w: the database cannot be read: %v", ErrInvalid, err)
	}
	return compareSummary(sum, m)
}

// compareSummary compares a database's schema version and rows per table with the
// manifest's.
func compareSummary(sum store.FileSummary, m *Manifest) error {
	if sum.SchemaVersion != m.SchemaVersion {
		return fmt.Errorf("%w: the database is at schema version %d, the manifest says %d", ErrInvalid, sum.SchemaVersion, m.SchemaVersion)
	}
	if !maps.Equal(sum.Tables, m.Tables) {
		for name, n := range m.Tables {
			if sum.Tables[name] != n {
				return fmt.Errorf("%w: table %s has %d rows, the manifest says %d", ErrInvalid, name, sum.Tables[name], n)
			}
		}
		return fmt.Errorf("%w: the database has tables the manifest does not list", ErrInvalid)
	}
	return nil
}

// install swaps the staged site into dir: the old site's files are moved aside, the
// staged ones renamed into place, and the old ones deleted. If a rename fails, what
// was done is undone.
func install(dir, stage string, siteFiles []string) error {
	old, err := os.MkdirTemp(dir, ".replaced-")
	if err != nil {
		return err
	}
	var moved, placed []string
	undo := func(err error) error {
		for _, name := range placed {
			_ = os.Rename(filepath.Join(dir, name), filepath.Join(stage, name)) // undoing after a failure that is returned
		}
		for _, name := range moved {
			_ = os.Rename(filepath.Join(old, name), filepath.Join(dir, name)) // undoing after a failure that is returned
		}
		os.RemoveAll(old)
		return err
	}
	for _, name := range siteFiles {
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return undo(err)
		}
		if err := os.Rename(filepath.Join(dir, name), filepath.Join(old, name)); err != nil {
			return undo(err)
		}
		moved = append(moved, name)
	}
	staged, err := os.ReadDir(stage)
	if err != nil {
		return undo(err)
	}
	for _, e := range staged {
		if err := os.Rename(filepath.Join(stage, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			return undo(err)
		}
		placed = append(placed, e.Name())
	}
	syncDir(dir)
	return os.RemoveAll(old)
}
