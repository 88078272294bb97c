package frag

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"

	"eplatform/app/httpx"
)

// Serve answers with pieces: gzip-assembled when the client takes gzip, the bytes as
// they are otherwise, headers only for HEAD, and 304 when the client already has etag.
// A Range header is ignored (the whole answer is sent, as RFC 9110 allows): a slice of
// a page or a list is of no use to anyone.
func Serve(w http.ResponseWriter, r *http.Request, status int, contentType, cacheControl string, pieces []*Piece, etag string) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Cache-Control", cacheControl)
	hd.Add("Vary", "Accept-Encoding")
	hd.Set("ETag", etag)
	if status == http.StatusOK && httpx.ETagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	gz := httpx.Accepts(r, "gzip")
	if gz {
		hd.Set("Content-Encoding", "gzip")
		hd.Set("Content-Length", strconv.Itoa(GzipLen(pieces)))
	} else {
		hd.Set("Content-Length", strconv.Itoa(Len(pieces)))
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	// One write of the whole body: the pieces are many and small, and each write would
	// pass the middleware's writers on its way out.
	buf := bodies.Get().(*bytes.Buffer)
	if gz {
		_ = WriteGzip(buf, pieces) // a bytes.Buffer does not fail
	} else {
		_ = WriteIdentity(buf, pieces) // a bytes.Buffer does not fail
	}
	_, _ = w.Write(buf.Bytes()) // the status is sent; a failed write means the client left
	if buf.Cap() <= 1<<20 {
		buf.Reset()
		bodies.Put(buf)
	}
}

var bodies = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}
