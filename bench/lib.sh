# Shared by the benchmark scripts (sourced).

server_pid=
# stop_server: TERM the server in $server_pid, then at most 10 s for it to
# end, then KILL.
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# wrk_figures: wrk --latency's report on stdin -> "req/s p50 p99 non-2xx"
# (latencies as wrk wrote them; non-2xx 0 when none).
wrk_figures() {
  awk '/Requests\/sec/ {rps = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
       /Non-2xx/ {bad = $5} END {print rps, p50, p99, bad + 0}'
}
