#!/usr/bin/env bash
# Battle-map benchmark: `GET /api/v1/dashboard?unit=CODE` of the release
# binary, on a data folder that holds the demo city's unit tree and N problems
# (the ledger of bench/ledger_bench_data.py, imported with the CLI: about
# 2,800 rows/s, so some 40 s for 100,000).
#   (1) fill: a first `serve` on a loopback port loads the unit tree, then
#       `import issues` of an N-row CSV (skipped with DATA=folder);
#   (2) `serve` the folder on a loopback port, as a supervisor at the city
#       (an API token from `user add`);
#   (3) time the dashboard of the city (cc), a county (cc.c03) and the township
#       holding the most problems, and /healthz as the floor: REQS requests
#       each, one curl per request (a new connection), after one warm-up;
#   (4) print median, min and max in ms, the answer's size and its headline
#       total, and the server's peak RSS (VmHWM).
# A request that does not answer 200 (or a server that does not start) stops
# the script with status 1.
#   bash bench/dashboard_bench.sh [N]      (default 100000)
# Environment: REQS (default 20), DATA=folder reuses a filled data folder (a
# user named dashboard-bench-<time> is added to it each run), KEEP=1 keeps the
# filled folder under ${TMPDIR:-/tmp}/qingling-dashboard-bench/data for a
# later DATA=, LIMIT seconds for the import (default 900).
# Needs /usr/bin/python3, sqlite3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
REQS=${REQS:-20}
LIMIT=${LIMIT:-900}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive number, not '$N'" >&2; exit 2; }
[[ $REQS =~ ^[1-9][0-9]*$ ]] && ((REQS <= 10000)) ||
  { echo "REQS must be a number from 1 to 10000, not '$REQS'" >&2; exit 2; }
if [[ -n ${DATA:-} && ! -f $DATA/qingling.db ]]; then
  echo "DATA=$DATA holds no qingling.db" >&2
  exit 2
fi

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
cmake --preset release >/dev/null
cmake --build --preset release --target qingling | tail -1
BIN=$PWD/build/release/web/qingling
WORK=${TMPDIR:-/tmp}/qingling-dashboard-bench
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/qingling-dashboard-bench.XXXXXX")

. bench/lib.sh
cleanup() {
  stop_server
  rm -rf "$SCRATCH"
  if [[ -z ${DATA:-} ]]; then
    if [[ ${KEEP:-0} == 1 ]]; then
      echo "data kept in $WORK/data (DATA=$WORK/data reuses it)"
    else
      rm -rf "$WORK"
    fi
  fi
}
trap cleanup EXIT

# start_server DIR: serves DIR on a free loopback port; sets server_pid and url.
url=
start_server() {
  : >"$SCRATCH/serve.log"
  "$BIN" serve --data "$1" --address 127.0.0.1 --port 0 >"$SCRATCH/serve.log" 2>&1 &
  server_pid=$!
  url=
  for _ in $(seq 1 120); do  # at most 60 s
    url=$(sed -n 's|^qingling is serving \(http://127\.0\.0\.1:[0-9]*\)/$|\1|p' "$SCRATCH/serve.log" | head -1)
    [[ -n $url ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [[ -z $url ]]; then
    echo "the server did not start:" >&2
    cat "$SCRATCH/serve.log" >&2
    exit 1
  fi
}

echo "host: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "load average at start: $load_at_start; curl $(curl --version | head -1 | cut -d' ' -f2)"

if [[ -n ${DATA:-} ]]; then
  DIR=$DATA
  echo "data: $DIR (reused, not filled)"
else
  DIR=$WORK/data
  rm -rf "$WORK"
  mkdir -p "$WORK"
  echo "data: $DIR, filling with $N problems"
  # The first serve loads the demo unit tree, then stops.
  start_server "$DIR"
  stop_server
  sqlite3 -separator $'\t' "$DIR/qingling.db" "select code, kind, name from units" >"$SCRATCH/units.tsv"
  /usr/bin/python3 bench/ledger_bench_data.py --rows "$N" --units "$SCRATCH/units.tsv" \
    --csv "$SCRATCH/ledger.csv"
  fill_start=$EPOCHREALTIME
  # An import file holds at most 10,000,000 cells: 500,000 rows a file (the
  # generator writes no line breaks inside cells, so lines are rows).
  tail -n +2 "$SCRATCH/ledger.csv" | split -l 500000 - "$SCRATCH/part."
  for part in "$SCRATCH"/part.*; do
    { head -n 1 "$SCRATCH/ledger.csv"; cat "$part"; } >"$part.csv"
    rows=$(($(wc -l <"$part.csv") - 1))
    status=0
    timeout "$LIMIT" "$BIN" import issues "$part.csv" --data "$DIR" >"$SCRATCH/import.txt" 2>&1 ||
      status=$?
    if ((status != 0)) || ! grep -Eq "imported $rows rows .*: $rows created" "$SCRATCH/import.txt"; then
      echo "the import of $(basename "$part") failed (exit status $status):" >&2
      tail -n 20 "$SCRATCH/import.txt" >&2
      exit 1
    fi
    rm -f "$part" "$part.csv"
  done
  awk -v a="$fill_start" -v b="$EPOCHREALTIME" -v n="$N" \
    'BEGIN { printf "imported in %.1f s (%.0f rows/s)\n", b - a, n / (b - a) }'
fi

problems=$(sqlite3 "$DIR/qingling.db" "select count(*) from issues")
# The township with the most problems in its subtree.
read -r township township_count < <(sqlite3 -separator ' ' "$DIR/qingling.db" "
  select u.code, sum(i.n) from units u
    join (select unit, count(*) n from issues group by unit) i
      on i.unit = u.code or i.unit like u.code || '.%'
   where u.kind = 'township' group by u.code order by 2 desc, 1 limit 1")
[[ -n ${township:-} ]] || { echo "no township holds a problem in $DIR" >&2; exit 1; }
echo "problems: $problems; database $(du -h "$DIR/qingling.db" | cut -f1);" \
  "township $township holds $township_count"

token=$("$BIN" user add --data "$DIR" --name "dashboard-bench-$EPOCHSECONDS" --unit cc \
  --role supervisor 2>/dev/null | tail -1)
[[ $token == qlt_* ]] || { echo "user add printed no token: '$token'" >&2; exit 1; }

start_server "$DIR"
echo "serving $url (pid $server_pid); $REQS requests per target after one warm-up"

# fetch PATH OUT: one request; prints "http_code seconds".
fetch() {
  curl -s --max-time 120 -o "$2" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $token" "$url$1"
}
# time_target NAME PATH: a warm-up (kept as the sample answer), then REQS
# timed requests; appends "NAME ms" lines to times.txt.
time_target() {
  local name=$1 path=$2 code secs
  read -r code secs < <(fetch "$path" "$SCRATCH/answer.$name")
  if [[ $code != 200 ]]; then
    echo "GET $path answered $code:" >&2
    head -c 600 "$SCRATCH/answer.$name" >&2
    echo >&2
    exit 1
  fi
  for _ in $(seq 1 "$REQS"); do
    read -r code secs < <(fetch "$path" /dev/null)
    [[ $code == 200 ]] || { echo "GET $path answered $code" >&2; exit 1; }
    echo "$name $secs" | awk '{ printf "%s %.3f\n", $1, $2 * 1000 }' >>"$SCRATCH/times.txt"
  done
}

: >"$SCRATCH/times.txt"
targets=(healthz city county township)
declare -A path=(
  [healthz]=/healthz
  [city]="/api/v1/dashboard?unit=cc"
  [county]="/api/v1/dashboard?unit=cc.c03"
  [township]="/api/v1/dashboard?unit=$township"
)
for t in "${targets[@]}"; do time_target "$t" "${path[$t]}"; done

hwm=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
stop_server

echo
echo "dashboard bench: $problems problems, $REQS requests each (curl, new connection);" \
  "$(nproc) cores, load average at start $load_at_start"
printf '%-10s %-18s %10s %9s %9s %10s %8s\n' target unit "median ms" "min ms" "max ms" "answer B" total
# median (mean of the middle two for an even count), min and max of a sorted column
stats() { awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'; }
for t in "${targets[@]}"; do
  read -r med lo hi < <(awk -v n="$t" '$1 == n { print $2 }' "$SCRATCH/times.txt" | sort -g | stats)
  size=$(stat -c %s "$SCRATCH/answer.$t")
  unit=-
  total=-
  if [[ $t != healthz ]]; then
    unit=${path[$t]#*unit=}
    total=$(/usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["headline"]["total"])' \
      <"$SCRATCH/answer.$t")
  fi
  printf '%-10s %-18s %10.2f %9.2f %9.2f %10d %8s\n' "$t" "$unit" "$med" "$lo" "$hi" "$size" "$total"
done
echo "server peak RSS (VmHWM) ${hwm} MB, RSS at the end ${rss} MB"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
