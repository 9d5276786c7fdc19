#!/usr/bin/env bash
# HTTP benchmark: wrk against `qingling serve` (release build) on a fresh
# SQLite data folder. Prints durable creates/s, gets/s and the /healthz
# ceiling at 64 connections, with latency percentiles.
#   bash bench/http_bench.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
bash deploy/setup.sh --with-tools >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target qingling | tail -1
bin=./build/release/web/qingling
. bench/lib.sh

data=$(mktemp -d /tmp/qingling-bench.XXXXXX)
log="$data/serve.log"
"$bin" serve --port 0 --data "$data" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[^ ]*' "$log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start"; cat "$log"; exit 1; }
url=${url%/}
token=$("$bin" user add --data "$data" --name bench --unit cc --role inspector 2>/dev/null | tail -1)
export QL_TOKEN="$token"

run() {  # name, wrk args...
  local name=$1; shift
  local out
  out=$(wrk -t2 -c64 -d"${secs}s" --latency "$@")
  local rps p50 p99 errors
  read -r rps p50 p99 errors < <(wrk_figures <<<"$out")
  printf '%-22s %10s req/s   p50 %-8s p99 %-8s non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-0}"
  echo "$rps" >"$data/$name.rps"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "wrk -t2 -c64 -d${secs}s against $url"
run healthz "$url/healthz"
run create -s bench/create.lua "$url/api/v1/issues"
count=$(sqlite3 "$data/qingling.db" 'SELECT COUNT(*) FROM issues')
export QL_COUNT="$count"
run get -s bench/get.lua "$url"
ceiling=$(cat "$data/healthz.rps")
for name in create get; do
  awk -v r="$(cat "$data/$name.rps")" -v c="$ceiling" -v n="$name" \
    'BEGIN {printf "%-22s %.1f%% of the /healthz ceiling\n", n, 100 * r / c}'
done
echo "problems in the database after the run: $count"
