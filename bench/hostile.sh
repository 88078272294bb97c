#!/usr/bin/env bash
# The long hostile-input walk: TestHostileInput (app/api/hostile_test.go) with every
# hostile value in every field, id and form (the go test run sends a core set and
# rotates the rest), then random combinations — several fields hostile at once, random
# roles, ids and bodies — for DURATION per side (API and forms, in parallel). It runs
# on a temporary SQLite site (apptest) on loopback and fails on any 5xx, any answer
# outside the document or the error page, and any refused write that changed rows.
#   bench/hostile.sh [duration=5m] [seed=$RANDOM]
# A failure prints the seed; run again with it to repeat the same combinations.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-5m}
seed=${2:-$RANDOM}
echo "hostile walk: random combinations for $duration per side, seed $seed" >&2
HOSTILE_SEED=$seed go test ./app/api/ -run '^TestHostileInput$' -count=1 -timeout 0 -v -args -hostile.long="$duration" \
  | grep -v -E '^\s+time=|^=== (RUN|PAUSE|CONT|NAME)' || { echo "failed; repeat with: bench/hostile.sh $duration $seed" >&2; exit 1; }
