#!/usr/bin/env bash
# Load test of E-Platform the way browsers use it, each page against its own ceiling
# measured in the same run, on loopback only. Prints Markdown tables for BENCHMARKS.md.
#
#   bench/run.sh [-big] [-read-only | -writes-only]
#
#  1. builds eplatform and the helpers under bench/ (nothing from ../shared);
#  2. seeds a fresh data directory: 200 users, 1,000 posts with comments, likes,
#     mentions, notifications and subjects (-big: 100,000 users, 1,000,000 posts);
#  3. starts the server on 127.0.0.1 and signs in 120 distinct viewers, each from its
#     own loopback address (bench/signin), so the login limits stay on;
#  4. read-only: for each page — the feed, a post page, the notifications page, a
#     subject page, GET /api/posts/ — and for Accept-Encoding "gzip, br" and none, wrk
#     with bench/viewers.lua (every request the next viewer's cookie) against the
#     server and then against bench/blob serving that page's own bytes (fetched once,
#     as viewer 1, with the same Accept-Encoding) from memory: page ÷ ceiling. The
#     stdlib hello-world (bench/baseline) is measured beside them: the API's ceiling;
#  5. with writes: bench/writeload posts, comments, likes and sends chat messages over
#     the API at fixed rates while wrk reads each page again (gzip), right after a
#     read-only run of the same page with the writes paused: the read rate kept under
#     writes, cache hit rates from /metrics, and reads right after a write that missed
#     it (stale);
#  6. the server's resident memory under load (sampled while wrk reads), per phase.
# -read-only and -writes-only run step 4 or step 5 alone.
# Everything it starts is stopped when it exits, and its temporary directory removed.
#
# Environment (default):
#   BENCH_USERS, BENCH_POSTS  seed size (200, 1000; -big: 100000, 1000000)
#   BENCH_DATA                use this seeded data directory instead of seeding one (it
#                             is kept; the write phase adds to it)
#   BENCH_VIEWERS (120), BENCH_WRITERS (30), BENCH_PASSWORD (demo-password-1, the seed's)
#   BENCH_THREADS (2), BENCH_CONNS ("16 64"), BENCH_DURATION (8s)   wrk settings
#   BENCH_WRITE_RATES ("-posts 1 -comments 2 -likes 5 -chat 5")    per second, in total
#   BENCH_PORT (18181)        the server; helpers listen on the ports above it
#   BENCH_METRICS_URL (http://127.0.0.1:PORT/metrics)
#   BENCH_METRICS_TOKEN       /metrics' bearer token (default: a random one, given to
#                             the server as EPLATFORM_METRICS_TOKEN; with BENCH_DATA,
#                             set EPLATFORM_METRICS_TOKEN too or the data's own is used)
#   BENCH_SERVER_FLAGS        more `eplatform serve` flags, e.g. "-cache-mb 128"
#
# Needs wrk (apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${BENCH_USERS:-200} POSTS=${BENCH_POSTS:-1000} phases="read write"
for arg in "$@"; do
  case $arg in
    -big) USERS=${BENCH_USERS:-100000} POSTS=${BENCH_POSTS:-1000000} ;;
    -read-only) phases="read" ;;
    -writes-only) phases="write" ;;
    *) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
VIEWERS=${BENCH_VIEWERS:-120} WRITERS=${BENCH_WRITERS:-30}
THREADS=${BENCH_THREADS:-2} CONNS=${BENCH_CONNS:-16 64} DUR=${BENCH_DURATION:-8s}
WRITE_RATES=${BENCH_WRITE_RATES:--posts 1 -comments 2 -likes 5 -chat 5}
PORT=${BENCH_PORT:-18181}
SERVER=http://127.0.0.1:$PORT
METRICS_URL=${BENCH_METRICS_URL:-$SERVER/metrics}
METRICS_TOKEN=${BENCH_METRICS_TOKEN:-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
command -v wrk >/dev/null || { echo "bench/run.sh needs wrk: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
# Every helper is a direct child (built binaries, never `go run`), so this stops them all.
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
log() { echo "bench: $*" >&2; }

log "building"
go build -o "$work/eplatform" .
for tool in signin writeload blob baseline; do go build -o "$work/$tool" "./bench/$tool"; done

# Warnings say why a request went wrong (summed up at the end); requests are not logged.
export EPLATFORM_ADDR=127.0.0.1:$PORT EPLATFORM_LOG_LEVEL=warn
# Pages have no rate limit; the API's 600 requests a minute per user would cap a read
# benchmark at 120 × 10/s. The login and write limits stay on: signin uses one address
# per viewer, writeload enough writers.
export EPLATFORM_LIMITS="api=100000000/1m"
# Requests in progress per client address are capped at 256 by default, and wrk is one
# address: BENCH_CONNS above that would measure the cap.
export EPLATFORM_CONNS_PER_CLIENT=0
export EPLATFORM_METRICS_TOKEN=${EPLATFORM_METRICS_TOKEN:-$METRICS_TOKEN}
if [ -n "${BENCH_DATA:-}" ]; then
  export EPLATFORM_DATA=$BENCH_DATA
  log "using the data in $BENCH_DATA"
else
  export EPLATFORM_DATA=$work/data
  log "seeding $USERS users, $POSTS posts"
  "$work/eplatform" seed -users "$USERS" -posts "$POSTS" -quiet | sed -n 1p >&2 # (head would close the pipe early)
fi
# shellcheck disable=SC2086 # BENCH_SERVER_FLAGS is a list of flags
"$work/eplatform" serve ${BENCH_SERVER_FLAGS:-} >/dev/null 2>"$work/server.log" &
server_pid=$!
"$work/baseline" -addr "127.0.0.1:$((PORT + 1))" 2>/dev/null &
for _ in $(seq 600); do curl -fs "$SERVER/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

"$work/signin" -url "$SERVER" -viewers "$VIEWERS" -writers "$WRITERS" -password "${BENCH_PASSWORD:-demo-password-1}" -out "$work"
# shellcheck disable=SC1091 # written by signin
. "$work/pages.env"
cookie1=$(head -1 "$work/cookies.txt")
pages=("/home/ (feed)|/home/" "post page|$POST_PATH" "/home/notifications/|/home/notifications/"
  "subject page|$SUBJECT_PATH" "GET /api/posts/|/api/posts/")
encodings=("gzip, br" "")

# ---- helpers -------------------------------------------------------------------

# wrk_run URL ENCODING CONNS → "req/s|p50 ms|p99 ms|errors" (errors: non-2xx/3xx
# answers and socket errors as wrk counts them). wrk leaves answers slower than its
# timeout out of the latencies; 10 s instead of its 2 s keeps them in the p99.
wrk_run() {
  wrk -t"$THREADS" -c"$3" -d"$DUR" --timeout 10s --latency -s bench/viewers.lua "$1" -- "$work/cookies.txt" "$2" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { err += $NF }
    /Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%.0f|%.2f|%.1f|%d\n", rps, p50, p99, err }'
}

# metrics FILE: saves the server's /metrics (empty when unreachable), and in FILE.lines
# the length of the server's log, to tell which warnings came between two scrapes.
metrics() {
  curl -fsS -H "Authorization: Bearer $METRICS_TOKEN" "$METRICS_URL" >"$1" 2>/dev/null || : >"$1"
  wc -l <"$work/server.log" >"$1.lines"
}

# cache_rates BEFORE AFTER → the hit rate of every cache counter pair that moved in
# between, e.g. "98.5 % of 12.3k" — or per cache when the counters carry labels. Any
# counter named *cache*_hits_total with a *_misses_total twin counts.
cache_rates() {
  awk '
    FNR == 1 { file++ }
    /^#/ || !/cache/ { next }
    {
      name = $1; v = $NF
      if (name ~ /_hits_total/) { kind = "h"; sub(/_hits_total/, "", name) }
      else if (name ~ /_misses_total/) { kind = "m"; sub(/_misses_total/, "", name) }
      else next
      val[name, kind] += (file == 1 ? -v : v); keys[name] = 1
    }
    END {
      out = ""
      for (k in keys) {
        h = val[k, "h"]; m = val[k, "m"]
        if (h + m <= 0) continue
        label = k; sub(/^[a-z_]*\{?/, "", label); sub(/\}$/, "", label); gsub(/"/, "", label); sub(/^cache=/, "", label)
        n = h + m; n = (n >= 1000 ? sprintf("%.1fk", n / 1000) : n)
        out = out (out == "" ? "" : "; ") (label == "" ? "" : label ": ") sprintf("%.1f %% of %s", 100 * h / (h + m), n)
      }
      print (out == "" ? "no lookups" : out)
    }' "$1" "$2"
}

# bad_answers BEFORE AFTER WRK_ERRORS CONNS → a warning for the table: the GET answers
# other than 2xx between two scrapes of /metrics, by status and route (but 499, the
# requests wrk abandons when its time is up), and the errors wrk counted itself.
# An abandoned request whose session or user lookup was cancelled goes on as anonymous
# (302 to the login page, 401 from the API; for the session the log says "load
# session … context canceled"). wrk abandons at most one request per connection, so
# when the 302s and 401s are that few (or all logged as cancelled), the note says so
# instead of warning; a viewer whose session stopped working would answer 302 to
# every request of theirs.
bad_answers() {
  local from to cancelled=0
  from=$(cat "$1.lines") to=$(cat "$2.lines")
  if [ "$to" -gt "$from" ]; then
    cancelled=$(sed -n "$((from + 1)),${to}p" "$work/server.log" | grep -c 'msg="load session" err="context canceled"' || true)
  fi
  awk -v wrk="$3" -v conns="$4" -v cancelled="$cancelled" 'FNR == 1 { file++ }
    /^eplatform_http_requests_total\{/ && /method="GET"/ && /code="499"/ { abandoned += (file == 1 ? -$NF : $NF) }
    /^eplatform_http_requests_total\{/ && /method="GET"/ && !/code="2/ && !/code="499"/ {
      match($0, /code="[0-9]+"/); code = substr($0, RSTART + 6, 3)
      match($0, /route="[^"]*"/); route = substr($0, RSTART + 7, RLENGTH - 8)
      n[code " " route] += (file == 1 ? -$NF : $NF)
    }
    END {
      for (k in n) if (n[k] > 0) {
        total += n[k]; if (k ~ /^(302|401) /) anon += n[k]
        list = list sprintf(", %d× %s", n[k], k)
      }
      if (wrk > 0) list = list sprintf(", %d wrk errors", wrk)
      if (list == "") exit
      if (wrk == 0 && total == anon && (anon <= cancelled || anon + abandoned <= conns)) printf " — %d abandoned at the end, answered as anonymous", anon
      else printf " — **bad answers: %s**%s", substr(list, 3), (cancelled > 0 ? " (" cancelled " session lookups cancelled)" : "")
    }' "$1" "$2"
}

# rss_sampler FILE: keeps in FILE the highest resident memory of the server (MB),
# sampled every 0.2 s, until it is killed.
rss_sampler() {
  local max=0 cur
  while sleep 0.2; do
    cur=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$server_pid/status" 2>/dev/null) || return 0
    if [ "${cur:-0}" -gt "$max" ]; then max=$cur; echo "$max" >"$1"; fi
  done
}

# rss PHASE FILE: the sampled maximum and the process's peak since start (which
# includes the sign-ins: argon2id takes 19 MiB per password check).
rss() {
  echo "server resident memory $1: max $(cat "$2" 2>/dev/null || echo '?') MB (sampled every 0.2 s);" \
    "$(awk '/^VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$server_pid/status") peak since start (sign-ins included)"
}

load() { awk '{ print $1, $2, $3 }' /proc/loadavg; }

kb() { awk -v b="$1" 'BEGIN { printf (b >= 1024 ? "%.1f KB" : "%d B"), (b >= 1024 ? b / 1024 : b) }'; }

pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.1f" : "–"), (b > 0 ? 100 * a / b : 0) }'; }

# measure NAME PATH ENCODING CONNS → one table row, page against its blob ceiling.
measure() {
  local name=$1 path=$2 enc=$3 c=$4 key body row ceil base
  key=$(echo "$path|$enc" | md5sum | cut -c1-8)
  log "c$c ${enc:-no encoding}: $path"
  metrics "$work/m0"
  IFS='|' read -r rps p50 p99 err <<<"$(wrk_run "$SERVER$path" "$enc" "$c")"
  metrics "$work/m1"
  IFS='|' read -r crps _ _ _ <<<"$(wrk_run "http://127.0.0.1:${blob_port[$key]}$path" "$enc" "$c")"
  body=$(stat -c %s "$work/body-$key")
  echo "| $name | ${blob_enc[$key]:-none} $(kb "$body") | $rps | $p50 | $p99 | $crps | **$(pct "$rps" "$crps") %** | $(pct "$rps" "${base_rps[$c]}") % | $(cache_rates "$work/m0" "$work/m1")$(bad_answers "$work/m0" "$work/m1" "$err" "$c") |"
}

declare -A blob_port blob_enc base_rps

# ---- read-only ------------------------------------------------------------------

metrics "$work/m0"
[ -s "$work/m0" ] || log "warning: cannot read $METRICS_URL (token?): no cache hit rates"

# Warm the database's page cache and the server's caches once, unreported.
log "warming up"
for p in "${pages[@]}"; do wrk -t1 -c4 -d2s -s bench/viewers.lua "$SERVER${p#*|}" -- "$work/cookies.txt" "gzip, br" >/dev/null; done

# Each page's own bytes, once, as viewer 1 sees them, each served by its own blob.
port=$((PORT + 10))
for p in "${pages[@]}"; do
  for enc in "${encodings[@]}"; do
    path=${p#*|}
    key=$(echo "$path|$enc" | md5sum | cut -c1-8)
    curl -fsS -o "$work/body-$key" -D "$work/head-$key" -H "Cookie: $cookie1" ${enc:+-H "Accept-Encoding: $enc"} "$SERVER$path"
    ctype=$(awk -F': ' 'tolower($1) == "content-type" { print $2 }' "$work/head-$key" | tr -d '\r')
    blob_enc[$key]=$(awk -F': ' 'tolower($1) == "content-encoding" { print $2 }' "$work/head-$key" | tr -d '\r')
    "$work/blob" -addr "127.0.0.1:$port" -file "$work/body-$key" -encoding "${blob_enc[$key]}" -type "$ctype" 2>/dev/null &
    blob_port[$key]=$port
    port=$((port + 1))
  done
done
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$((port - 1))/" >/dev/null 2>&1 && break; sleep 0.1; done

echo "E-Platform, $(date -u '+%F %H:%M UTC'), $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), wrk and server on the same cores"
echo "data: ${BENCH_DATA:-$USERS users, $POSTS posts (eplatform seed)}; $VIEWERS viewers signed in from $VIEWERS loopback addresses; wrk -t$THREADS -d$DUR, bench/viewers.lua"
echo "load average before the runs $(load) (other work on the machine shows here)"
echo "post page $POST_PATH, subject page $SUBJECT_PATH; ceiling = the page's own bytes from memory (bench/blob), baseline = stdlib hello-world"

if [[ $phases == *read* ]]; then
  rss_sampler "$work/rss-read" &
  sampler=$!
  for c in $CONNS; do
    IFS='|' read -r base_rps[$c] bp50 bp99 _ <<<"$(wrk_run "http://127.0.0.1:$((PORT + 1))/" "" "$c")"
    echo
    echo "#### Read-only, wrk -t$THREADS -c$c -d$DUR"
    echo
    echo "| request | answer | req/s | p50 ms | p99 ms | ceiling req/s | ÷ ceiling | ÷ baseline | cache hits |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
    echo "| baseline (stdlib hello-world) | 2 B | ${base_rps[$c]} | $bp50 | $bp99 | | | 100 % | |"
    for enc in "${encodings[@]}"; do
      for p in "${pages[@]}"; do measure "${p%%|*}" "${p#*|}" "$enc" "$c"; done
    done
  done
  kill "$sampler"
  echo
  echo "$(rss "while wrk read" "$work/rss-read"); load average $(load)"
fi

# ---- reads under writes ---------------------------------------------------------

if [[ $phases == *write* ]]; then
  # shellcheck disable=SC2086 # WRITE_RATES is a list of flags
  "$work/writeload" -url "$SERVER" -run "$work/run.json" $WRITE_RATES >"$work/writes.md" 2>"$work/writes.log" &
  writer_pid=$!
  rss_sampler "$work/rss-write" &
  sampler=$!
  sleep 2
  for c in $CONNS; do
    echo
    echo "#### Reads under writes ($WRITE_RATES per second), wrk -t$THREADS -c$c -d$DUR, gzip, br"
    echo
    echo "Each page read-only (writes paused) and then under writes, back to back."
    echo
    echo "| request | read-only req/s | p99 ms | under writes req/s | p50 ms | p99 ms | kept | cache hits under writes |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    for p in "${pages[@]}"; do
      path=${p#*|}
      log "c$c read-only, then under writes: $path"
      kill -USR1 "$writer_pid" && sleep 1 # pause, and let the writes in flight end
      metrics "$work/m0"
      IFS='|' read -r ro _ ro99 roerr <<<"$(wrk_run "$SERVER$path" "gzip, br" "$c")"
      kill -USR2 "$writer_pid" && sleep 1
      metrics "$work/m1"
      IFS='|' read -r rps p50 p99 err <<<"$(wrk_run "$SERVER$path" "gzip, br" "$c")"
      metrics "$work/m2"
      echo "| ${p%%|*} | $ro | $ro99 | $rps | $p50 | $p99 | **$(pct "$rps" "$ro") %** |" \
        "$(cache_rates "$work/m1" "$work/m2")$(bad_answers "$work/m0" "$work/m1" "$roerr" "$c")$(bad_answers "$work/m1" "$work/m2" "$err" "$c") |"
    done
  done
  kill -TERM "$writer_pid"
  wait "$writer_pid" || { cat "$work/writes.log" >&2; exit 1; }
  echo
  cat "$work/writes.md"
  kill "$sampler"
  echo
  echo "$(rss "while wrk read under writes" "$work/rss-write"); load average $(load)"
fi

if grep -q . "$work/server.log"; then
  echo
  echo "server warnings and errors (by message, numbers left out):"
  sed -E 's/^time=[^ ]* //; s/ id=[^ ]*//; s/[0-9]+/N/g' "$work/server.log" | sort | uniq -c | sort -rn | head
fi
if grep -q 'status=5' "$work/server.log"; then
  echo "server errors during the run:"
  grep 'status=5' "$work/server.log" | head
  exit 1
fi
