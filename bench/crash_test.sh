#!/usr/bin/env bash
# Crash safety: `qingling serve` (release build) under a write load from
# several clients, with mail going to a real SMTP server on 127.0.0.1, is
# killed with SIGKILL at random moments and started again; after each kill
# the audit chain, every acknowledged write, the agreement of rows and events
# and the API are checked, and at the end the mail (see bench/crash_client.py).
#   bash bench/crash_test.sh [kills] [clients]     (KEEP=1 keeps the work folder,
#                                                   SEED=n repeats a run)
# Exits non-zero on any violation.
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-20}"
clients="${2:-4}"
build=build/h-crash-release
if [ ! -f "$build/CMakeCache.txt" ]; then
  CMAKE_CXX_COMPILER_LAUNCHER=$(command -v ccache || true) cmake --preset release -B "$build" >/dev/null
fi
nice cmake --build "$build" --target qingling | tail -1
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || {
  echo "crash_test: needs Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd)" >&2
  exit 2
}
command -v sqlite3 >/dev/null || true  # the client reads the database with Python's sqlite3
args=(--binary "$build/web/qingling" --kills "$kills" --clients "$clients")
[ -n "${SEED:-}" ] && args+=(--seed "$SEED")
[ -n "${KEEP:-}" ] && args+=(--keep)
exec /usr/bin/python3 bench/crash_client.py "${args[@]}"
