#!/usr/bin/env bash
# Lighthouse on the main pages as each role: starts E-Platform with demo content on a
# temporary data directory (loopback only), signs in as the demo student, instructor
# and admin through the login form, runs Lighthouse (bench/lighthouse/package.json,
# pinned) in Debian's Chromium with each session cookie, and prints a Markdown table of
# the four scores with the audits that failed. The README shows the latest table.
#
#   bench/lighthouse.sh                     # mobile emulation, Lighthouse's default
#   LIGHTHOUSE_PRESET=desktop bench/lighthouse.sh
#
# Needs node and npm, and /usr/bin/chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
ADDR=127.0.0.1:18787
BASE=http://$ADDR
CHROME=${CHROME_PATH:-/usr/bin/chromium}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

[ -x "$CHROME" ] || { echo "no Chromium at $CHROME (apt-get install chromium)" >&2; exit 1; }
(cd bench/lighthouse && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
LH=bench/lighthouse/node_modules/.bin/lighthouse

go build -o "$work/eplatform" .
EPLATFORM_DATA="$work/data" EPLATFORM_ADDR=$ADDR EPLATFORM_LOG_LEVEL=warn \
  "$work/eplatform" serve -demo >"$work/out.log" 2>"$work/server.log" &
for _ in $(seq 300); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$BASE/healthz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

# The demo prints "Every seeded user's password is "P"" and "  role  name / P".
password=$(sed -n 's/.*password is "\(.*\)".*/\1/p' "$work/out.log" | head -1)
login_of() { awk -v r="$1" '$1 == r && $3 == "/" {print $2; exit}' "$work/out.log"; }
student=$(login_of student) instructor=$(login_of instructor) admin=$(login_of admin)
[ -n "$password" ] && [ -n "$student" ] && [ -n "$instructor" ] && [ -n "$admin" ] ||
  { echo "no demo logins in:" >&2; cat "$work/out.log" >&2; exit 1; }

# headers_for ROLE USERNAME writes the Cookie header of a fresh session for Lighthouse.
headers_for() {
  local jar="$work/$1.jar"
  curl -fs -o /dev/null -c "$jar" --data-urlencode "username=$2" --data-urlencode "password=$password" "$BASE/login/"
  local cookie
  cookie=$(awk '$6 == "eplatform_session" {print $7}' "$jar")
  [ -n "$cookie" ] || { echo "login as $2 failed" >&2; exit 1; }
  printf '{"Cookie": "eplatform_session=%s"}' "$cookie" >"$work/$1.headers.json"
}
headers_for student "$student"
headers_for instructor "$instructor"
headers_for admin "$admin"
echo '{}' >"$work/anonymous.headers.json"

pages=(
  "anonymous /login/"
  "anonymous /signup/"
  "anonymous /home/profile/$student/"
  "student /home/"
  "student /home/post/1/"
  "student /home/notifications/"
  "student /chat/"
  "student /home/subjects/"
  "student /home/quizzes/"
  "student /home/profile/"
  "student /home/search/?q=a"
  "student /home/contact/"
  "student /ai/"
  "instructor /home/"
  "instructor /home/subjects/"
  "instructor /home/quizzes/"
  "instructor /home/profile/$student/"
  "admin /admin/"
  "admin /home/"
)

preset=()
[ "${LIGHTHOUSE_PRESET:-}" = desktop ] && preset=(--preset=desktop)
flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage"

echo "Lighthouse $("$LH" --version), $("$CHROME" --version | tr -d '\n'), ${LIGHTHOUSE_PRESET:-mobile} preset"
echo
echo "| role | page | performance | accessibility | best practices | SEO | failed audits |"
echo "|---|---|---:|---:|---:|---:|---|"
n=0
for entry in "${pages[@]}"; do
  role=${entry%% *} path=${entry#* }
  n=$((n + 1))
  report="$work/report-$n.json"
  # A new profile directory per run: no cache or state carries over between pages.
  if ! CHROME_PATH="$CHROME" "$LH" "$BASE$path" --quiet "${preset[@]}" \
      --only-categories=performance,accessibility,best-practices,seo \
      --extra-headers="$work/$role.headers.json" --output=json --output-path="$report" \
      --chrome-flags="$flags --user-data-dir=$work/profile-$n" >"$work/lh-$n.log" 2>&1; then
    echo "| $role | \`$path\` | – | – | – | – | Lighthouse failed: $(tail -1 "$work/lh-$n.log") |"
    continue
  fi
  node -e '
    const r = require(process.argv[1]);
    const cats = ["performance", "accessibility", "best-practices", "seo"];
    const score = c => r.categories[c].score == null ? "–" : Math.round(r.categories[c].score * 100);
    const failed = new Set();
    for (const c of cats.slice(1)) for (const ref of r.categories[c].auditRefs) {
      const a = r.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) failed.add(ref.id);
    }
    if (r.finalDisplayedUrl !== process.argv[2]) failed.add("landed on " + r.finalDisplayedUrl.replace(process.argv[3], ""));
    console.log(`| ${process.argv[4]} | \`${process.argv[5]}\` | ${cats.map(score).join(" | ")} | ${[...failed].join(", ")} |`);
  ' "$report" "$BASE$path" "$BASE" "$role" "$path"
done
