package backup_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/backup"
	"eplatform/app/config"
	"eplatform/app/feed"
	"eplatform/app/store"
)

// site starts a real app and gives it users, posts with images and a comment. It
// returns the app's data directory and the stored image bytes by media path. The
// site is on SQLite even under EPLATFORM_TEST_DB=postgres: these tests take the
// SQLite archive apart (the PostgreSQL archive, a pg_dump, is tested through the
// command line in main_postgres_test.go).
func site(t *testing.T) (*apptest.App, map[string][]byte) {
	t.Helper()
	app := apptest.Start(t, apptest.Options{DataDir: t.TempDir(), Args: apptest.RelaxedLimits})
	ctx := context.Background()
	app.User("ann", "student")
	app.User("ben", "instructor")
	ann, err := app.State.DB.UserByUsername(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	images := map[string][]byte{}
	for i := range 3 {
		data := pngOf(t, i)
		p, err := app.State.Feed.CreatePost(ctx, ann, fmt.Sprintf("post %d with a picture", i), &feed.Upload{Field: "image", Name: "p.png", Data: data})
		if err != nil {
			t.Fatal(err)
		}
		images[p.Media.Path] = data
	}
	if _, err := app.State.Feed.CreatePost(ctx, ann, "words only, @ben", nil); err != nil {
		t.Fatal(err)
	}
	return app, images
}

// pngOf makes a small PNG whose bytes differ for every n.
func pngOf(t *testing.T, n int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		img.Set(i, n%16, color.NRGBA{uint8(n), uint8(i * 9), 200, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func source(app *apptest.App) backup.Source {
	return backup.Source{DataDir: app.Config.DataDir, Version: "test-1", Now: app.Clock.Now}
}

// listing maps every file under dir to its bytes (directories as "DIR/").
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func TestNamesMatchTheDataDirectory(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	dir := t.TempDir()
	cfg := config.Flags(fs, func(k string) string { return map[string]string{"EPLATFORM_DATA": dir}[k] })
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	if cfg.DatabasePath() != filepath.Join(dir, backup.DatabaseName) || cfg.MediaDir() != filepath.Join(dir, backup.MediaDir) {
		t.Fatalf("config keeps the site at %s and %s", cfg.DatabasePath(), cfg.MediaDir())
	}
	if _, err := os.Stat(filepath.Join(dir, backup.SecretsName)); err != nil {
		t.Fatalf("config keeps its secrets elsewhere: %v", err)
	}
}

func TestBackupAndRestoreGiveTheSameSite(t *testing.T) {
	ctx := context.Background()
	app, images := site(t)
	// A file being saved (media.Store writes NAME.tmp, then renames) is not part of
	// the site yet.
	if err := os.WriteFile(filepath.Join(app.Config.MediaDir(), "posts", "half.png.tmp"), []byte("partial"), 0o640); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "site.zip")
	m, size, err := backup.WriteFile(ctx, archive, source(app))
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(archive); err != nil || info.Size() != size || info.Mode().Perm() != 0o600 {
		t.Fatalf("archive: %v %v, want %d bytes and mode 0600", info, err, size)
	}
	if left, _ := filepath.Glob(filepath.Join(app.Config.DataDir, "backup-*")); len(left) > 0 {
		t.Fatalf("the snapshot was left in the data directory: %v", left)
	}
	if _, _, err := backup.WriteFile(ctx, archive, source(app)); err == nil {
		t.Fatal("an existing archive was overwritten")
	}
	if _, _, err := backup.WriteFile(ctx, archive+"2", backup.Source{DataDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no site") {
		t.Fatalf("a backup of an empty folder: %v", err)
	}

	// The manifest: versions, time, counts and every file with its checksum.
	if m.Format != backup.Format || m.AppVersion != "test-1" || m.SchemaVersion != store.LatestVersion() || !m.Created.Equal(app.Clock.Now()) {
		t.Errorf("manifest header %+v", m)
	}
	if m.Tables["users"] != 2 || m.Tables["posts"] != 4 || m.Tables["notifications"] != 1 {
		t.Errorf("manifest counts %v", m.Tables)
	}
	for name := range m.Tables {
		if strings.Contains(name, "_fts") {
			t.Errorf("manifest counts the full-text table %s", name)
		}
	}
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	want := []string{backup.DatabaseName, backup.SecretsName}
	for p := range images {
		want = append(want, "media/"+p)
	}
	slices.Sort(want[2:])
	if !slices.Equal(paths, want) {
		t.Fatalf("archived files %v, want %v", paths, want)
	}
	for _, f := range m.Files[1:] { // the live database differs from its snapshot
		b, err := os.ReadFile(filepath.Join(app.Config.DataDir, filepath.FromSlash(f.Path)))
		sum := sha256.Sum256(b)
		if err != nil || int64(len(b)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s: manifest %d bytes %s, file %d bytes %x (%v)", f.Path, f.Size, f.SHA256, len(b), sum, err)
		}
	}

	// The zip itself: the manifest last (what a stream has seen in full), the database
	// deflated, the images stored as they are.
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	last := zr.File[len(zr.File)-1]
	if last.Name != backup.ManifestName {
		t.Errorf("last entry %s", last.Name)
	}
	for _, f := range zr.File {
		switch {
		case f.Name == backup.DatabaseName && (f.Method != zip.Deflate || f.CompressedSize64 >= f.UncompressedSize64/2):
			t.Errorf("database entry: method %d, %d → %d bytes", f.Method, f.UncompressedSize64, f.CompressedSize64)
		case strings.HasPrefix(f.Name, "media/") && f.Method != zip.Store:
			t.Errorf("%s is compressed again", f.Name)
		}
	}
	zr.Close()

	// Restore into a directory that does not exist yet.
	dir := filepath.Join(t.TempDir(), "restored")
	got, err := backup.Restore(ctx, archive, dir, backup.RestoreOptions{LatestSchema: store.LatestVersion()})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got.Tables, m.Tables) {
		t.Errorf("restore reports %v", got.Tables)
	}
	files := listing(t, dir)
	for p, data := range images {
		if files[filepath.Join("media", filepath.FromSlash(p))] != string(data) {
			t.Errorf("image %s differs after restore", p)
		}
	}
	secrets, _ := os.ReadFile(filepath.Join(app.Config.DataDir, backup.SecretsName))
	if files[backup.SecretsName] != string(secrets) {
		t.Error("secrets.json differs after restore")
	}
	if info, err := os.Stat(filepath.Join(dir, backup.SecretsName)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("restored secrets.json: %v %v", info, err)
	}
	for name := range files {
		top := strings.SplitN(name, string(filepath.Separator), 2)[0]
		if top != backup.DatabaseName && top != backup.SecretsName && top != "media/" && top != "media" {
			t.Errorf("restore left %s behind", name)
		}
	}
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, backup.DatabaseName), Schema: apptest.Schema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.UserByUsername(ctx, "ben"); err != nil || u.UserType != "instructor" {
		t.Errorf("restored ben: %+v %v", u, err)
	}
}

// siteDir builds a data directory with an old site in it, plus a file that is not
// part of the site, and returns it.
func oldSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{
		backup.DatabaseName:          "old database",
		backup.DatabaseName + "-wal": "an old WAL that must never meet the restored database",
		backup.SecretsName:           `{"admin_access_code":"OLD"}`,
		"media/posts/old.png":        "old picture",
		"backups/keep.zip":           "someone's archive",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRestoreIntoANonEmptyDirectory(t *testing.T) {
	ctx := context.Background()
	app, images := site(t)
	archive := filepath.Join(t.TempDir(), "site.zip")
	if _, _, err := backup.WriteFile(ctx, archive, source(app)); err != nil {
		t.Fatal(err)
	}
	// A fresh volume's lost+found does not make a directory a site.
	volume := t.TempDir()
	os.Mkdir(filepath.Join(volume, "lost+found"), 0o700)
	if _, err := backup.Restore(ctx, archive, volume, backup.RestoreOptions{}); err != nil {
		t.Fatalf("restore onto a fresh volume: %v", err)
	}

	dir := oldSite(t)
	before := listing(t, dir)
	if _, err := backup.Restore(ctx, archive, dir, backup.RestoreOptions{}); !errors.Is(err, backup.ErrNotEmpty) || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("restore over a site without -force: %v", err)
	}
	if !maps.Equal(listing(t, dir), before) {
		t.Fatal("a refused restore changed the directory")
	}

	// With -force the whole site is replaced — no old picture, no old WAL — and what is
	// not the site's stays.
	if _, err := backup.Restore(ctx, archive, dir, backup.RestoreOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	after := listing(t, dir)
	want := map[string]bool{backup.DatabaseName: true, backup.SecretsName: true, "media/": true, "media/posts/": true,
		"backups/": true, "backups/keep.zip": true}
	for p := range images {
		want[filepath.Join("media", filepath.FromSlash(p))] = true
	}
	if got := slices.Sorted(maps.Keys(after)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Fatalf("after a forced restore the directory holds %v\nwant %v", got, slices.Sorted(maps.Keys(want)))
	}
	if after["backups/keep.zip"] != "someone's archive" || strings.Contains(after[backup.SecretsName], "OLD") {
		t.Fatal("a forced restore mixed old and new")
	}
	if err := store.CheckFile(ctx, filepath.Join(dir, backup.DatabaseName)); err != nil {
		t.Fatal(err)
	}
}

// entry is one file of a hand-made archive.
type entry struct {
	name string
	data []byte
	mode fs.FileMode
}

// entries reads an archive into memory, manifest aside.
func entries(t *testing.T, archive string) ([]entry, backup.Manifest) {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []entry
	var m backup.Manifest
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == backup.ManifestName {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			continue
		}
		out = append(out, entry{name: f.Name, data: b, mode: 0o640})
	}
	return out, m
}

// craft writes an archive of files with a manifest that lists each with its true
// checksum (so only the check under test can refuse it); edit may change the
// manifest before it is written.
func craft(t *testing.T, files []entry, m backup.Manifest, edit func(*backup.Manifest)) string {
	t.Helper()
	m.Files = nil
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		m.Files = append(m.Files, backup.File{Path: f.name, Size: int64(len(f.data)), SHA256: hex.EncodeToString(sum[:])})
	}
	if edit != nil {
		edit(&m)
	}
	p := filepath.Join(t.TempDir(), "crafted.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	add := func(name string, data []byte, mode fs.FileMode) {
		h := &zip.FileHeader{Name: name, Method: zip.Store}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for _, f := range files {
		add(f.name, f.data, f.mode)
	}
	mb, _ := json.Marshal(m)
	add(backup.ManifestName, mb, 0o640)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return p
}

func TestRestoreRefusesABadArchiveAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	app, _ := site(t)
	good := filepath.Join(t.TempDir(), "good.zip")
	if _, _, err := backup.WriteFile(ctx, good, source(app)); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	files, m := entries(t, good)
	with := func(extra ...entry) []entry { return append(slices.Clone(files), extra...) }
	writeRaw := func(b []byte) string {
		p := filepath.Join(t.TempDir(), "raw.zip")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A byte of a stored image flipped in place: the zip's CRC-32 and our SHA-256 both
	// disagree with it.
	flipped := bytes.Clone(raw)
	img := files[len(files)-1].data
	at := bytes.Index(flipped, img)
	if at < 0 {
		t.Fatal("stored image not found in the archive")
	}
	flipped[at+len(img)/2] ^= 0xFF
	// A database whose checksums are right but whose pages are not.
	broken := slices.Clone(files)
	db := bytes.Clone(broken[0].data)
	pageSize := 8192
	for i := 2 * pageSize; i < len(db) && i < 6*pageSize; i += 97 {
		db[i] ^= 0x5A
	}
	broken[0] = entry{name: backup.DatabaseName, data: db, mode: 0o640}

	cases := []struct {
		name    string
		archive string
		want    string
	}{
		{"not a zip", writeRaw([]byte("hello, I am a text file")), "not a zip"},
		{"truncated", writeRaw(raw[:len(raw)*2/3]), "truncated"},
		{"truncated by one byte", writeRaw(raw[:len(raw)-1]), "truncated"},
		{"a flipped byte", writeRaw(flipped), "damaged"},
		{"wrong checksum", craft(t, files, m, func(m *backup.Manifest) { m.Files[1].SHA256 = strings.Repeat("0", 64) }), "checksum"},
		{"size not as listed", craft(t, files, m, func(m *backup.Manifest) { m.Files[1].Size++ }), "manifest says"},
		{"dot-dot", craft(t, with(entry{"media/../../evil.txt", []byte("x"), 0o640}), m, nil), "unsafe"},
		{"parent", craft(t, with(entry{"../evil.txt", []byte("x"), 0o640}), m, nil), "unsafe"},
		{"absolute", craft(t, with(entry{"/tmp/evil.txt", []byte("x"), 0o640}), m, nil), "unsafe"},
		{"backslash", craft(t, with(entry{`media\..\..\evil.txt`, []byte("x"), 0o640}), m, nil), "unsafe"},
		{"hidden", craft(t, with(entry{"media/.ssh/authorized_keys", []byte("x"), 0o640}), m, nil), "unsafe"},
		{"symlink", craft(t, with(entry{"media/link", []byte("/etc/passwd"), fs.ModeSymlink | 0o777}), m, nil), "not a plain file"},
		{"unexpected name", craft(t, with(entry{"eplatform.db-wal", []byte("x"), 0o640}), m, nil), "unexpected entry"},
		{"not in the manifest", craft(t, files, m, func(m *backup.Manifest) { m.Files = m.Files[:len(m.Files)-1] }), "not in the manifest"},
		{"missing file", craft(t, files[:len(files)-1], m, func(m *backup.Manifest) {
			m.Files = append(m.Files, backup.File{Path: files[len(files)-1].name, Size: 1, SHA256: "00"})
		}), "not in the archive"},
		{"no database", craft(t, files[1:], m, nil), "no eplatform.db"},
		{"damaged database", craft(t, broken, m, nil), "database is damaged"},
		{"wrong row counts", craft(t, files, m, func(m *backup.Manifest) { m.Tables["posts"]++ }), "table posts"},
		{"newer schema", craft(t, files, m, func(m *backup.Manifest) { m.SchemaVersion = store.LatestVersion() + 1 }), "newer than this program"},
		{"newer format", craft(t, files, m, func(m *backup.Manifest) { m.Format = backup.Format + 1 }), "format"},
		{"another app", craft(t, files, m, func(m *backup.Manifest) { m.App = "other" }), "not an E-Platform"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			fresh := filepath.Join(parent, "data", "site")
			_, err := backup.Restore(ctx, tc.archive, fresh, backup.RestoreOptions{LatestSchema: store.LatestVersion()})
			if !errors.Is(err, backup.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an invalid-archive error about %q", err, tc.want)
			}
			if _, err := os.Stat(fresh); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused restore left %s behind", fresh)
			}
			// Nothing escaped, and the folders restore made on the way are gone.
			if got := listing(t, parent); len(got) > 0 {
				t.Errorf("files outside the target: %v", slices.Sorted(maps.Keys(got)))
			}
			// Over an old site with -force, the old site stays exactly as it was.
			old := oldSite(t)
			before := listing(t, old)
			if _, err := backup.Restore(ctx, tc.archive, old, backup.RestoreOptions{Force: true, LatestSchema: store.LatestVersion()}); !errors.Is(err, backup.ErrInvalid) {
				t.Fatalf("forced: %v", err)
			}
			if !maps.Equal(listing(t, old), before) {
				t.Error("a refused forced restore changed the old site")
			}
		})
	}
}

func TestWriteStopsCleanlyWhenCancelled(t *testing.T) {
	app, _ := site(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "x.zip")
	if _, _, err := backup.WriteFile(ctx, out, source(app)); err == nil {
		t.Fatal("a cancelled backup succeeded")
	}
	if left := listing(t, filepath.Dir(out)); len(left) > 0 {
		t.Errorf("a cancelled backup left %v", slices.Sorted(maps.Keys(left)))
	}
	if left, _ := filepath.Glob(filepath.Join(app.Config.DataDir, "backup-*")); len(left) > 0 {
		t.Errorf("a cancelled backup left %v", left)
	}
	// A writer that fails mid-way gets an error and the snapshot is removed.
	if _, err := backup.Write(context.Background(), &failAfter{n: 2000}, source(app)); err == nil {
		t.Fatal("a failing writer went unnoticed")
	}
	if left, _ := filepath.Glob(filepath.Join(app.Config.DataDir, "backup-*")); len(left) > 0 {
		t.Errorf("a failed backup left %v", left)
	}
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}
