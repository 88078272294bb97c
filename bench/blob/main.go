// Command blob serves one file's bytes from memory, exactly as saved: the ceiling for
// one particular response on this machine, measured beside the real page in one run
// with the same wrk settings and headers (bench/run.sh). Whatever the path, every
// request gets the same bytes.
//
// Adapted from ../shared/bench/blob, which gzipped a raw file itself. Here the file is
// the page's own body as the server sent it for the measured Accept-Encoding (gzipped
// bytes for a gzip run, Brotli if the server chose Brotli), served with the same
// Content-Encoding and Content-Type, so the ceiling does exactly the work of sending
// those bytes and no compression of its own.
//
//	go run ./bench/blob -file home.body -encoding gzip -type 'text/html; charset=utf-8' -addr 127.0.0.1:18190
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18190", "listen address (loopback only)")
	file := flag.String("file", "", "the response body to serve")
	encoding := flag.String("encoding", "", "Content-Encoding of the file's bytes (gzip, br; empty for none)")
	ctype := flag.String("type", "text/html; charset=utf-8", "Content-Type")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	length := strconv.Itoa(len(body))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", *ctype)
		h.Set("Content-Length", length)
		if *encoding != "" {
			h.Set("Content-Encoding", *encoding)
			h.Set("Vary", "Accept-Encoding")
		}
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
