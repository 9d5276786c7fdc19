#!/usr/bin/env bash
# The benchmark of record, at a million problems on this machine:
#   (1) `qingling gen` fills a new data folder with the demo campaign and N
#       generated problems (timed; skipped with DATA=folder);
#   (2) start-up: `qingling serve` on it, three times, until it answers;
#   (3) wrk -t2 -c64 against the release server for SECS seconds each:
#       /healthz (the machine's ceiling), gets by id, the overdue list of a
#       county (50 a page), durable actions (progress), durable creates; each
#       with its median and p99 latency and as a share of the ceiling;
#   (4) the battle map and the weekly report of the city (REQS requests each,
#       one connection each, median);
#   (5) the server's resident memory after all that (VmHWM, VmRSS);
#   (6) the escalation scheduler's wake-up with 10,000 due among 100,000 and
#       among N open problems (bench/scheduler_bench.sh; SCHED=0 skips it);
#   (7) the core's microbenchmarks (Google Benchmark; CORE=0 skips them).
# Every request must answer 2xx; the script stops with status 1 otherwise.
#   bash bench/bench.sh [N]     (default 1000000)
# Environment: DATA=folder reuses a folder made by gen (the creates and
# actions are added to it), KEEP=1 keeps the new folder, SECS (default 10),
# REQS (default 20), UNIT (the county, default cc.c03).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-1000000}
SECS=${SECS:-10}
REQS=${REQS:-20}
UNIT=${UNIT:-cc.c03}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive number, not '$N'" >&2; exit 2; }
[[ $SECS =~ ^[1-9][0-9]*$ && $REQS =~ ^[1-9][0-9]*$ ]] ||
  { echo "SECS and REQS must be positive numbers" >&2; exit 2; }

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
bash deploy/setup.sh --with-tools >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target qingling qingling_scheduler_bench qingling_core_bench |
  tail -1
BIN=$PWD/build/release/web/qingling
WORK=${TMPDIR:-/tmp}/qingling-bench
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/qingling-bench.XXXXXX")

. bench/lib.sh
cleanup() {
  stop_server
  rm -rf "$SCRATCH"
  if [[ -z ${DATA:-} && ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; fi
  if [[ -z ${DATA:-} && ${KEEP:-0} == 1 ]]; then echo "data kept: DATA=$WORK/data reuses it"; fi
}
trap cleanup EXIT

# start_server DIR: serves DIR on a free loopback port; sets server_pid, url
# and started_ms (from exec to the first answer of /healthz).
url=
started_ms=
start_server() {
  : >"$SCRATCH/serve.log"
  local t0=$EPOCHREALTIME
  "$BIN" serve --data "$1" --address 127.0.0.1 --port 0 >"$SCRATCH/serve.log" 2>&1 &
  server_pid=$!
  url=
  for _ in $(seq 1 6000); do  # at most 60 s
    url=$(sed -n 's|^qingling is serving \(http://127\.0\.0\.1:[0-9]*\)/$|\1|p' "$SCRATCH/serve.log" | head -1)
    if [[ -n $url ]] && curl -sf -o /dev/null "$url/healthz"; then break; fi
    url=
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.01
  done
  if [[ -z $url ]]; then
    echo "the server did not start:" >&2
    cat "$SCRATCH/serve.log" >&2
    exit 1
  fi
  started_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.0f", (b - a) * 1000}')
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "host: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average at start: $load_at_start"

if [[ -n ${DATA:-} ]]; then
  DIR=$DATA
  [[ -f $DIR/qingling.db ]] || { echo "DATA=$DIR holds no qingling.db" >&2; exit 2; }
  echo "data: $DIR (reused)"
else
  DIR=$WORK/data
  rm -rf "$WORK"
  mkdir -p "$WORK"
  "$BIN" gen --data "$DIR" --problems "$N" 2>/dev/null | tee "$SCRATCH/gen.txt"
fi
count=$(sqlite3 "$DIR/qingling.db" 'SELECT MAX(id) FROM issues')
echo "problems: $count; database $(du -sh "$DIR/qingling.db" | cut -f1)"

for i in 1 2 3; do
  start_server "$DIR"
  echo "$started_ms" >>"$SCRATCH/startup"
  stop_server
done
startup_ms=$(median <"$SCRATCH/startup")
echo "start-up (exec to first answer), median of 3: $startup_ms ms ($(paste -sd' ' "$SCRATCH/startup") ms)"

start_server "$DIR"
token=$("$BIN" user add --data "$DIR" --name "bench-$(date +%s%N)" --unit cc --role supervisor \
  --role inspector --role responsible 2>/dev/null | tail -1)
[[ $token == qlt_* ]] || { echo "user add gave no token" >&2; exit 1; }
export QL_TOKEN=$token QL_COUNT=$count QL_UNIT=$UNIT
sqlite3 "$DIR/qingling.db" "SELECT id FROM issues WHERE state = 'rectifying'" >"$SCRATCH/rectifying"
overdue=$(sqlite3 "$DIR/qingling.db" "SELECT COUNT(*) FROM issues WHERE clock = 'running' \
  AND deadline < date('now', '+8 hours') AND unit_path LIKE '%/$UNIT/%'")
echo "the overdue list's unit: $UNIT ($overdue overdue)"

# wrk_run NAME ARGS...: prints and keeps (in $SCRATCH/NAME) req/s, p50 and p99 in ms.
wrk_run() {
  local name=$1
  shift
  local out
  out=$(wrk -t2 -c64 -d"${SECS}s" --latency "$@")
  local rps p50 p99 bad
  read -r rps p50 p99 bad < <(wrk_figures <<<"$out")
  [[ $bad == 0 ]] && bad=
  [[ -z $(awk '/Socket errors/' <<<"$out") ]] || bad=${bad:-socket-errors}
  to_ms() { awk -v v="$1" 'BEGIN {n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[^m]s$/) n *= 1000; printf "%.2f", n}'; }
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")" >"$SCRATCH/$name"
  printf '%-24s %10.0f req/s   p50 %7s ms   p99 %7s ms\n' "$name" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")"
  if [[ -n $bad ]]; then
    echo "$name: $bad requests did not answer 2xx" >&2
    echo "$out" >&2
    exit 1
  fi
}

echo "wrk -t2 -c64 -d${SECS}s against $url"
wrk_run healthz "$url/healthz"
wrk_run get -s bench/get.lua "$url"
wrk_run overdue-list -s bench/list.lua "$url"
QL_IDS=$SCRATCH/rectifying wrk_run action -s bench/action.lua "$url"
wrk_run create -s bench/create.lua "$url/api/v1/issues"

# time_get NAME PATH: REQS requests after one warm-up, one connection each.
time_get() {
  local name=$1 path=$2 t
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url$path" ||
    { echo "$name: $path failed" >&2; exit 1; }
  : >"$SCRATCH/$name.times"
  for _ in $(seq 1 "$REQS"); do
    t=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url$path") ||
      { echo "$name: $path failed" >&2; exit 1; }
    awk -v t="$t" 'BEGIN {printf "%.1f\n", t * 1000}' >>"$SCRATCH/$name.times"
  done
  printf '%-24s median %7s ms   (min %s, max %s, %s requests)\n' "$name" \
    "$(median <"$SCRATCH/$name.times")" "$(sort -n "$SCRATCH/$name.times" | head -1)" \
    "$(sort -n "$SCRATCH/$name.times" | tail -1)" "$REQS"
  median <"$SCRATCH/$name.times" >"$SCRATCH/$name"
}
time_get dashboard "/api/v1/dashboard?unit=cc"
time_get weekly-report "/api/v1/reports/weekly?unit=cc"
hwm=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status")
rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status")
echo "server memory after the load: peak $hwm MB, now $rss MB"
stop_server

ceiling=$(cut -d' ' -f1 "$SCRATCH/healthz")
echo
echo "targets at $count problems:"
verdict() {  # description, figure, unit, target, "min"|"max"
  local ok
  ok=$(awk -v f="$2" -v t="$4" -v k="$5" 'BEGIN {print ((k == "min" ? f >= t : f <= t) ? "met" : "MISSED")}')
  printf '  %-34s %10s %-6s target %s %-8s %s\n' "$1" "$2" "$3" "$([[ $5 == min ]] && echo '>=' || echo '<=')" "$4" "$ok"
}
share() { awk -v r="$1" -v c="$ceiling" 'BEGIN {printf "%.0f%% of the ceiling", 100 * r / c}'; }
for pair in "create:40000" "get:100000" "overdue-list:20000" "action:20000"; do
  name=${pair%%:*}
  rps=$(cut -d' ' -f1 "$SCRATCH/$name")
  verdict "$name req/s ($(share "$rps"))" "$(printf '%.0f' "$rps")" "" "${pair##*:}" min
done
for name in get overdue-list; do
  verdict "$name p99" "$(cut -d' ' -f3 "$SCRATCH/$name")" ms 10 max
done
verdict "battle map (city)" "$(cat "$SCRATCH/dashboard")" ms 50 max
verdict "weekly report (city)" "$(cat "$SCRATCH/weekly-report")" ms 500 max
verdict "start-up" "$startup_ms" ms 1000 max
verdict "peak resident memory" "$hwm" MB 150 max
echo "  ceiling: /healthz $(printf '%.0f' "$ceiling") req/s"

if [[ ${SCHED:-1} != 0 ]]; then
  echo
  bash bench/scheduler_bench.sh --open "100000,$N"
fi
if [[ ${CORE:-1} != 0 ]]; then
  echo
  ./build/release/bench/qingling_core_bench --benchmark_min_time=0.2
fi
