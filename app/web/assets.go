package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Assets serves views/static with content-hashed names ("css/app.3f2a1b9c.css") that
// may be cached for a year: a changed file gets a new name, so browsers never see a
// stale one. Text files are gzipped once at startup.
type Assets struct {
	byURL  map[string]*asset // "/static/css/app.3f2a1b9c.css" → file
	byName map[string]string // "css/app.css" → "/static/css/app.3f2a1b9c.css"
}

type asset struct {
	body, gz    []byte
	contentType string
	etag        string
}

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
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hash + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		f := &asset{body: body, contentType: ct, etag: `"` + hash + `"`}
		if strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "svg") || strings.Contains(ct, "json") {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body) {
				f.gz = buf.Bytes()
			}
		}
		a.byURL[url] = f
		a.byName[name] = url
		return nil
	})
	return a, err
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
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if f.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	w.Write(body)
}
