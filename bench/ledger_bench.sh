#!/usr/bin/env bash
# Ledger import/export benchmark, with the release binary on real SQLite files:
#   (1) `import issues` of a ROWS-row CSV into an empty data folder,
#   (2) the same ledger as XLSX (openpyxl, write-only) into an empty folder,
#   (3) the CSV again into the folder (1) filled: every row unchanged,
#   (4) `export ledger --format xlsx` and (5) `--format csv` of that folder.
# Each run starts from a copy of one data folder that holds only the demo
# city's unit tree (loaded by a first `serve` on a loopback port). Prints the
# median, min and max wall time of RUNS runs, rows/s and peak RSS. A step
# the program fails (or that exceeds LIMIT) is shown as FAILED with what the
# program said, the other steps go on, and the script exits with status 1.
#   bash bench/ledger_bench.sh [ROWS]       (default 100000)
# Environment: RUNS (default 3), KEEP=1 keeps the data under
# ${TMPDIR:-/tmp}/qingling-ledger-bench, LIMIT seconds per command (default 900).
# Needs /usr/bin/python3 with python3-openpyxl, sqlite3 and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-100000}
RUNS=${RUNS:-3}
LIMIT=${LIMIT:-900}
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || { echo "ROWS must be a positive number, not '$ROWS'" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number, not '$RUNS'" >&2; exit 2; }

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
cmake --preset release >/dev/null
cmake --build --preset release --target qingling | tail -1
BIN=$PWD/build/release/web/qingling
WORK=${TMPDIR:-/tmp}/qingling-ledger-bench

server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; fi
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "data kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
rm -rf "$WORK"
mkdir -p "$WORK"

echo "host: $(uname -srm); $(nproc) cores; load average at start: $load_at_start;" \
  "sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo "ledger: $ROWS rows, $RUNS runs, data under $WORK"

# The empty data folder: the first serve loads the demo unit tree, then stops.
"$BIN" serve --data "$WORK/empty" --port 0 >"$WORK/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do  # at most 60 s
  grep -q "qingling is serving" "$WORK/serve.log" && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.5
done
if ! grep -q "qingling is serving" "$WORK/serve.log"; then
  echo "the server did not start:" >&2
  cat "$WORK/serve.log" >&2
  exit 1
fi
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
sqlite3 -separator $'\t' "$WORK/empty/qingling.db" "select code, kind, name from units" >"$WORK/units.tsv"

gen_start=$EPOCHREALTIME
/usr/bin/python3 bench/ledger_bench_data.py --rows "$ROWS" --units "$WORK/units.tsv" \
  --csv "$WORK/ledger.csv" --xlsx "$WORK/ledger.xlsx"
echo "generated in $(awk -v a="$gen_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s:" \
  "ledger.csv $(du -h "$WORK/ledger.csv" | cut -f1), ledger.xlsx $(du -h "$WORK/ledger.xlsx" | cut -f1)"

# measure NAME EXPECTED_OUTPUT_PATTERN COMMAND...: runs it once under
# /usr/bin/time and a time limit, checks what it prints, appends
# "NAME seconds KB" to results.txt. A step that fails (exit status, time
# limit, or output not as expected) is written to failed.NAME with what the
# program said, and is not run again; the others go on.
measure() {
  local name=$1 expect=$2
  shift 2
  if [[ -e $WORK/failed.$name ]]; then return 1; fi
  local status=0 secs kb
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" timeout "$LIMIT" "$@" >"$WORK/out.txt" 2>&1 || status=$?
  if ((status != 0)) || ! grep -Eq "$expect" "$WORK/out.txt"; then
    {
      echo "\$ ${*/#$PWD\//}"
      tail -n 20 "$WORK/out.txt"
      if ((status == 124)); then echo "(stopped after the limit of $LIMIT s)"; fi
      read -r secs kb < <(tail -n 1 "$WORK/time.txt")
      echo "(exit status $status after $secs s, peak RSS $((kb / 1024)) MB; wanted output /$expect/)"
    } >"$WORK/failed.$name"
    echo "  $name FAILED:" >&2
    sed 's/^/    /' "$WORK/failed.$name" >&2
    return 1
  fi
  read -r secs kb < <(tail -n 1 "$WORK/time.txt")
  echo "$name $secs $kb" >>"$WORK/results.txt"
  printf '  %-13s %8.2f s %6d MB  %s\n' "$name" "$secs" "$((kb / 1024))" "$(grep -E "$expect" "$WORK/out.txt" | head -1)"
}

: >"$WORK/results.txt"
db_size=-
for run in $(seq 1 "$RUNS"); do
  echo "run $run/$RUNS"
  rm -rf "$WORK/run"
  cp -a "$WORK/empty" "$WORK/run"
  # (3)-(5) use the folder (1) filled, so they run only when (1) did.
  if measure import-csv "imported $ROWS rows .*: $ROWS created, 0 unchanged" \
    "$BIN" import issues "$WORK/ledger.csv" --data "$WORK/run"; then
    db_size=$(du -h "$WORK/run/qingling.db" | cut -f1)
    measure reimport-csv "imported $ROWS rows .*: 0 created, $ROWS unchanged" \
      "$BIN" import issues "$WORK/ledger.csv" --data "$WORK/run" || true
    measure export-xlsx "wrote $ROWS problems" \
      "$BIN" export ledger --data "$WORK/run" --format xlsx --out "$WORK/export.xlsx" || true
    measure export-csv "wrote $ROWS problems" \
      "$BIN" export ledger --data "$WORK/run" --format csv --out "$WORK/export.csv" || true
  fi
  rm -rf "$WORK/run"
  cp -a "$WORK/empty" "$WORK/run"
  measure import-xlsx "imported $ROWS rows .*: $ROWS created, 0 unchanged" \
    "$BIN" import issues "$WORK/ledger.xlsx" --data "$WORK/run" || true
  rm -rf "$WORK/run"
done

size() { if [[ -e $1 ]]; then du -h "$1" | cut -f1; else echo -; fi; }
declare -A file=(
  [import-csv]="in  $(size "$WORK/ledger.csv") csv; db $db_size"
  [import-xlsx]="in  $(size "$WORK/ledger.xlsx") xlsx"
  [reimport-csv]="in  $(size "$WORK/ledger.csv") csv"
  [export-xlsx]="out $(size "$WORK/export.xlsx") xlsx"
  [export-csv]="out $(size "$WORK/export.csv") csv"
)

echo
echo "ledger bench: $ROWS rows, median of $RUNS runs; $(nproc) cores, load average at start $load_at_start"
printf '%-14s %9s %9s %9s %11s %9s  %s\n' step "median s" "min s" "max s" "rows/s" "RSS MB" file
# median (mean of the middle two for an even count), min and max of a sorted column
stats() { awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'; }
for name in import-csv import-xlsx reimport-csv export-xlsx export-csv; do
  if ! grep -q "^$name " "$WORK/results.txt"; then
    if [[ -e $WORK/failed.$name ]]; then what=FAILED; else what="not run"; fi
    printf '%-14s %9s %9s %9s %11s %9s  %s\n' "$name" "$what" - - - - "${file[$name]}"
    continue
  fi
  read -r med lo hi < <(awk -v n="$name" '$1 == n { print $2 }' "$WORK/results.txt" | sort -g | stats)
  read -r rss _ < <(awk -v n="$name" '$1 == n { print $3 }' "$WORK/results.txt" | sort -g | stats)
  runs=$(grep -c "^$name " "$WORK/results.txt")
  awk -v name="$name" -v rows="$ROWS" -v med="$med" -v lo="$lo" -v hi="$hi" -v rss="$rss" \
    -v file="${file[$name]}" -v note="$( ((runs < RUNS)) && echo " ($runs of $RUNS runs)")" 'BEGIN {
      printf "%-14s %9.2f %9.2f %9.2f %11.0f %9.0f  %s%s\n", name, med, lo, hi,
             (med > 0 ? rows / med : 0), rss / 1024, file, note }'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
failures=("$WORK"/failed.*)
if [[ -e ${failures[0]} ]]; then
  echo
  for f in "${failures[@]}"; do
    echo "${f##*/failed.} failed:"
    sed 's/^/  /' "$f"
  done
  exit 1
fi
