// Package media stores uploaded files under the data directory with random names and
// checks what they are by their content, never by the name or the declared type.
// Metadata lives in the database; the bytes do only on a site of several hosts that
// keeps them there (-media db, see Blobs).
package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"eplatform/app/problem"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers the GIF decoder
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"eplatform/app/store"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // decode WebP uploads
)

// Store is the media root: files under Root, or, with DB set, rows of the database.
//
// Files in the data directory are the default, on SQLite and on PostgreSQL: served by
// the kernel from the page cache, backed up as files, and shared by several hosts
// through a network file system mounted as the data directory (NFS) if they have one.
// Hosts that share no directory keep uploads in PostgreSQL instead (-media db): every
// process reads what any process wrote, with nothing else to run; the cost is the
// database's memory, WAL and backup size, and a blob read whole for every request
// (fine for pictures and attachments up to the upload limits).
type Store struct {
	Root string
	DB   Blobs // nil: files under Root
}

// Blobs keeps files in the database (store.DB on PostgreSQL).
type Blobs interface {
	PutMediaBlob(ctx context.Context, path string, content []byte, contentType string, now time.Time) error
	MediaBlob(ctx context.Context, path string) (store.MediaBlob, error)
	DeleteMediaBlob(ctx context.Context, path string) error
}

// blobTimeout bounds a database call made for Save, Remove and Open, which take no
// context (their callers run inside a request, whose own deadline is longer).
const blobTimeout = time.Minute

func blobContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), blobTimeout)
}

// ErrBadPath is returned for a path that is not a plain file under the root.
var ErrBadPath = errors.New("media: bad path")

// Save writes data under dir with a random name and the given extension and returns
// the path relative to the root ("dir/3f9a….jpg"). The file is written to a temporary
// name and renamed, so a reader never sees half a file.
func (s Store) Save(dir, ext string, data []byte) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	rel := path.Join(dir, hex.EncodeToString(b)+ext)
	full, err := s.resolve(rel)
	if err != nil {
		return "", err
	}
	if s.DB != nil {
		ctx, cancel := blobContext()
		defer cancel()
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = http.DetectContentType(data)
		}
		if err := s.DB.PutMediaBlob(ctx, rel, data, ct, time.Now()); err != nil {
			return "", err
		}
		return rel, nil
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return "", err
	}
	tmp := full + ".tmp"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, full); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return rel, nil
}

// Remove deletes a stored file; a missing file is not an error.
func (s Store) Remove(rel string) error {
	if rel == "" {
		return nil
	}
	full, err := s.resolve(rel)
	if err != nil {
		return err
	}
	if s.DB != nil {
		ctx, cancel := blobContext()
		defer cancel()
		return s.DB.DeleteMediaBlob(ctx, rel)
	}
	if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Open opens a stored file for reading.
func (s Store) Open(rel string) (io.ReadCloser, error) {
	full, err := s.resolve(rel)
	if err != nil {
		return nil, err
	}
	if s.DB != nil {
		ctx, cancel := blobContext()
		defer cancel()
		b, err := s.DB.MediaBlob(ctx, rel)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(b.Content)), nil
	}
	return os.Open(full)
}

// resolve maps a relative path to a file under the root, refusing anything that
// could escape it ("..", absolute paths, backslashes, hidden files).
func (s Store) resolve(rel string) (string, error) {
	if rel == "" || strings.ContainsAny(rel, "\\\x00") || path.IsAbs(rel) {
		return "", ErrBadPath
	}
	clean := path.Clean(rel)
	if clean != rel || strings.HasPrefix(clean, "..") {
		return "", ErrBadPath
	}
	for _, part := range strings.Split(clean, "/") {
		if part == "" || strings.HasPrefix(part, ".") {
			return "", ErrBadPath
		}
	}
	return filepath.Join(s.Root, filepath.FromSlash(clean)), nil
}

// Picture limits.
const (
	MaxPictureBytes  = 5 << 20
	MaxPictureSide   = 1000     // stored pictures fit in 1000×1000
	maxDecodedPixels = 40 << 20 // refuse "decompression bombs" before decoding them
)

// ErrNotImage is returned for data that is not a JPEG, PNG, GIF or WebP image.
var ErrNotImage = problem.Invalid("Upload a valid image: JPEG, PNG, GIF or WebP.")

// ErrImageTooLarge is returned for images whose pixel count could exhaust memory.
var ErrImageTooLarge = problem.Invalid("The image dimensions are too large.")

// ProcessPicture checks that data is an image by its content, refuses images too big
// to decode safely, shrinks it to fit max×max and re-encodes it (which also drops
// metadata such as GPS positions). It returns the encoded bytes and their extension.
func ProcessPicture(data []byte, max int) ([]byte, string, error) {
	ct := http.DetectContentType(data)
	switch ct {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
	default:
		return nil, "", ErrNotImage
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxDecodedPixels {
		return nil, "", ErrImageTooLarge
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", ErrNotImage
	}
	img = fit(img, max)
	var out bytes.Buffer
	switch format {
	case "png", "gif", "webp":
		// Keep transparency; GIF animation is flattened to its first frame.
		err = png.Encode(&out, img)
		return out.Bytes(), ".png", err
	default:
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
		return out.Bytes(), ".jpg", err
	}
}

// fit scales img down (never up) to fit max×max, keeping its aspect ratio.
func fit(img image.Image, max int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= max && h <= max {
		return img
	}
	if w >= h {
		h, w = h*max/w, max
	} else {
		w, h = w*max/h, max
	}
	dst := image.NewRGBA(image.Rect(0, 0, max1(w), max1(h)))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// ReadLimited reads at most limit bytes from r; more is ErrTooLarge.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, ErrTooLarge
	}
	return data, nil
}

// ErrTooLarge is returned by ReadLimited.
var ErrTooLarge = fmt.Errorf("media: file too large")

// ErrNoFile is returned by ServeFile when the stored file is missing or not a plain
// file; callers answer 404.
var ErrNoFile = errors.New("media: no such file")

// ServeFile writes a stored file with http.ServeContent, which answers range requests
// (video seeking) and conditional requests. The caller sets Content-Type (else it is
// sniffed from the name), Cache-Control and any disposition first. Nothing is
// written when it returns ErrNoFile.
func (s Store) ServeFile(w http.ResponseWriter, r *http.Request, rel string) error {
	if s.DB != nil {
		if _, err := s.resolve(rel); err != nil {
			return ErrNoFile
		}
		b, err := s.DB.MediaBlob(r.Context(), rel)
		if err != nil {
			return ErrNoFile
		}
		// The same answer as a file's: ranges, conditional requests, Last-Modified
		// from when it was stored.
		http.ServeContent(w, r, path.Base(rel), b.CreatedAt, bytes.NewReader(b.Content))
		return nil
	}
	full, err := s.resolve(rel)
	if err != nil {
		return ErrNoFile
	}
	f, err := os.Open(full)
	if err != nil {
		return ErrNoFile
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return ErrNoFile
	}
	http.ServeContent(w, r, path.Base(rel), info.ModTime(), f)
	return nil
}

// SetDisposition marks a response as a download (attachment) or an inline display
// under the uploader's file name, encoded for any character set.
func SetDisposition(w http.ResponseWriter, disposition, name string) {
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
}

// CopyToDB stores every file under root (as Save wrote them: hidden files and
// unfinished .tmp files left out) in db under the same relative path, keeping its
// modification time as the time it was stored. It returns the files and bytes copied.
// `eplatform migrate-to -media db` uses it to bring a site's files into PostgreSQL.
func CopyToDB(ctx context.Context, root string, db Blobs) (files, size int64, err error) {
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return nil // no uploads yet
			}
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
		rel = filepath.ToSlash(rel)
		if _, err := (Store{Root: root}).resolve(rel); err != nil {
			return nil // not a name Save makes, and not one ServeFile would serve
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(rel))
		if ct == "" {
			ct = http.DetectContentType(data)
		}
		if err := db.PutMediaBlob(ctx, rel, data, ct, info.ModTime()); err != nil {
			return err
		}
		files, size = files+1, size+int64(len(data))
		return nil
	})
	return files, size, err
}
