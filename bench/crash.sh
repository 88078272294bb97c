#!/usr/bin/env bash
# Crash drill: runs E-Platform on a temporary data directory (loopback only), drives
# concurrent writers (posts, images, comments, likes) through the API, kills the server
# with SIGKILL while they write, restarts it and checks that every acknowledged write is
# present and PRAGMA integrity_check is ok — for N cycles.
#   bench/crash.sh [cycles=20] [writers=16]
# More flags (go run ./bench/drill crash -h): -acks, -extra, -image-every, -keep.
# The backup drill: go run ./bench/drill backup
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./bench/drill crash -cycles "${1:-20}" -writers "${2:-16}" "${@:3}"
