#!/usr/bin/env bash
# Load test of E-Platform against the stdlib baseline server, in one run on this
# machine, with wrk on loopback only. Prints a Markdown table for BENCHMARKS.md.
#
#   bench/run.sh [duration=8s] [connections=64]
#
# Needs wrk (apt-get install wrk) and ../shared/bench/baseline beside the project.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-8s}
CONN=${2:-64}
BASELINE_DIR=${BASELINE_DIR:-../shared/bench/baseline}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/eplatform" .
(cd "$BASELINE_DIR" && go build -o "$work/baseline" .)

export EPLATFORM_DATA="$work/data" EPLATFORM_ADDR=127.0.0.1:18181 EPLATFORM_LOG_LEVEL=error
# Rate limits are part of what is measured elsewhere; here they would cap the load.
export EPLATFORM_LIMITS="api=100000000/1m,login=100000000/1m"
# wrk is one client address; the cap on its requests in progress would cap the load too.
export EPLATFORM_CONNS_PER_CLIENT=0
# 1000 posts like the original's measurement, with comments, likes and notifications.
"$work/eplatform" seed -users 200 -posts 1000 -quiet >/dev/null
"$work/eplatform" serve >/dev/null 2>"$work/server.log" &
"$work/baseline" -addr 127.0.0.1:18180 >/dev/null 2>&1 &
for _ in $(seq 50); do curl -fs http://127.0.0.1:18181/healthz >/dev/null 2>&1 && break; sleep 0.1; done

jar="$work/cookies"
curl -fs -c "$jar" -o /dev/null -X POST http://127.0.0.1:18181/login/ -d 'username=admin&password=demo-password-1&remember_me=on'
cookie=$(awk '$6=="eplatform_session"{print $7}' "$jar")
token=$(curl -fs -X POST http://127.0.0.1:18181/api/auth/login/ -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"demo-password-1"}' | sed -E 's/.*"access":"([^"]+)".*/\1/')
css=$(curl -fs http://127.0.0.1:18181/login/ | grep -oE '/static/css/app\.[0-9a-f]+\.css' | head -1)

measure() { # name url [header]
  local name=$1 url=$2 out
  if [ $# -ge 3 ]; then out=$(wrk -t2 -c"$CONN" -d"$DUR" --latency -H "$3" "$url"); else out=$(wrk -t2 -c"$CONN" -d"$DUR" --latency "$url"); fi
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  echo "$name|$rps|$p50|$p99"
}

results=()
results+=("$(measure 'baseline (stdlib "ok")' http://127.0.0.1:18180/)")
results+=("$(measure 'GET /login/ (anonymous page)' http://127.0.0.1:18181/login/)")
results+=("$(measure 'GET /home/ (signed in, 20 posts with comments)' http://127.0.0.1:18181/home/ "Cookie: eplatform_session=$cookie")")
results+=("$(measure 'GET /api/posts/ (bearer token, 10 posts)' http://127.0.0.1:18181/api/posts/ "Authorization: Bearer $token")")
results+=("$(measure 'GET /api/auth/profile/ (bearer token)' http://127.0.0.1:18181/api/auth/profile/ "Authorization: Bearer $token")")
results+=("$(measure 'GET /healthz (one SQL query)' http://127.0.0.1:18181/healthz)")
results+=("$(measure "GET $css (static, hashed)" "http://127.0.0.1:18181$css")")

base=$(echo "${results[0]}" | cut -d'|' -f2)
echo "wrk -t2 -c$CONN -d$DUR on $(nproc) cores, $(date -u +%F)"
echo
echo "| request | req/s | ÷ baseline | p50 | p99 |"
echo "|---|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r name rps p50 p99 <<<"$r"
  ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN{printf "%.2f", a/b}')
  echo "| $name | $rps | $ratio | $p50 | $p99 |"
done
if grep -q 'status=5' "$work/server.log"; then echo "server errors during the run:"; grep 'status=5' "$work/server.log" | head; exit 1; fi
