package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"eplatform/app/httpx"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/svg"
)

// Assets serves views/static with content-hashed names ("css/app.3f2a1b9c.css") that
// may be cached for a year: a changed file gets a new name, so browsers never see a
// stale one. At start, CSS, JavaScript and SVG are minified (tdewolff/minify) and every
// text file is compressed once with Brotli and gzip at their best levels; each request
// then only picks the smallest encoding the client takes.
type Assets struct {
	byURL  map[string]*asset // "/static/css/app.3f2a1b9c.css" → file
	byName map[string]string // "css/app.css" → "/static/css/app.3f2a1b9c.css"
	// Saved is what minifying saved, in bytes, before compression (startup log, tests).
	Saved, Original int
}

type asset struct {
	body, gz, br []byte
	contentType  string
	etag         string
}

// minifier minifies by media type; the hashed name is taken after minifying, so a
// different minifier version gives new names.
var minifier = func() *minify.M {
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("text/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	return m
}()

// LoadAssets reads every file of fsys.
func LoadAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{byURL: map[string]*asset{}, byName: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		ext := path.Ext(name)
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		mediaType, _, _ := mime.ParseMediaType(ct) // ours, from the extension table
		if mediaType == "application/javascript" {
			mediaType = "text/javascript"
		}
		if small, err := minifier.Bytes(mediaType, body); err == nil && len(small) < len(body) {
			a.Original += len(body)
			a.Saved += len(body) - len(small)
			body = small
		} else if err != nil && !errors.Is(err, minify.ErrNotExist) {
			return fmt.Errorf("minify %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:10]
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hash + ext
		f := &asset{body: body, contentType: ct, etag: `"` + hash + `"`}
		if strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "svg") || strings.Contains(ct, "json") {
			f.gz, f.br = compressBoth(body)
		}
		a.byURL[url] = f
		a.byName[name] = url
		return nil
	})
	return a, err
}

// compressed remembers compressBoth's answers by content: Brotli at its best level
// costs about a second of CPU for all the assets, which a process pays once however
// many times it loads them (tests start hundreds of apps).
var compressed sync.Map // [sha256.Size]byte → [2][]byte

// compressBoth returns body in gzip and in Brotli, each nil when it saves nothing.
func compressBoth(body []byte) (gz, br []byte) {
	key := sha256.Sum256(body)
	if v, ok := compressed.Load(key); ok {
		pair := v.([2][]byte)
		return pair[0], pair[1]
	}
	gz, br = compressNow(body)
	compressed.Store(key, [2][]byte{gz, br})
	return gz, br
}

func compressNow(body []byte) (gz, br []byte) {
	var g, b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&g, gzip.BestCompression) // a valid level: no error
	zw.Write(body)
	zw.Close()
	bw := brotli.NewWriterLevel(&b, brotli.BestCompression)
	bw.Write(body)
	bw.Close()
	if g.Len() < len(body) {
		gz = g.Bytes()
	}
	if b.Len() < len(body) && (gz == nil || b.Len() < len(gz)) {
		br = b.Bytes()
	}
	return gz, br
}

// URL returns the hashed URL of a file under views/static; an unknown name returns a
// path that 404s, which the page tests catch.
func (a *Assets) URL(name string) string {
	if u, ok := a.byName[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

// ServeHTTP serves a hashed asset with a year-long immutable cache lifetime.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	h.Add("Vary", "Accept-Encoding")
	if httpx.ETagMatch(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	switch {
	case f.br != nil && httpx.Accepts(r, "br"):
		h.Set("Content-Encoding", "br")
		body = f.br
	case f.gz != nil && acceptsGzip(r):
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
