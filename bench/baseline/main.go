// Command baseline serves the smallest possible HTTP response: the physical ceiling
// for an HTTP answer on the machine at hand. Load it with the same wrk settings, in
// the same run, as the page you measure; bench/run.sh reports page ÷ baseline, because
// absolute req/s drift from machine to machine.
//
// A copy of ../shared/bench/baseline (unchanged but for this comment), kept here so
// the project's benchmarks stand alone.
//
//	go run ./bench/baseline -addr 127.0.0.1:18080 &
//	wrk -t2 -c64 -d10s http://127.0.0.1:18080/
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "listen address (loopback only)")
	flag.Parse()
	body := []byte("ok")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
