#!/usr/bin/env bash
# Chat load test: starts E-Platform on a temporary data directory (loopback only),
# runs bench/chatload against it (500 sockets, 200 messages/s by default) and stops.
#   bench/chatload.sh [sockets=500] [rate=200] [duration=15s]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/eplatform" .
# The limits guard real users; the load generator is one client sending for 500.
EPLATFORM_DATA="$work/data" EPLATFORM_ADDR=127.0.0.1:18484 EPLATFORM_METRICS_ADDR=127.0.0.1:18485 EPLATFORM_LOG_LEVEL=warn \
EPLATFORM_LIMITS="signup=1000000/1m,api=100000000/1m,chat=100000000/1m,login=1000000/1m" \
  "$work/eplatform" serve >/dev/null 2>"$work/server.log" &
for _ in $(seq 50); do curl -fs http://127.0.0.1:18484/healthz >/dev/null 2>&1 && break; sleep 0.1; done
go run ./bench/chatload -url http://127.0.0.1:18484 -metrics http://127.0.0.1:18485 -sockets "${1:-500}" -rate "${2:-200}" -duration "${3:-15s}"
