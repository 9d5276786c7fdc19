#!/usr/bin/env bash
# Escalation scheduler benchmark: one wake-up with 10,000 problems due among
# 100,000 and among 1,000,000 open ones (release build, real SQLite files
# under /tmp, about 3 GB for the larger one; filling it takes minutes).
# Flags go to the program: --open N1,N2 --due D --runs R --batch B --dir PATH --keep
#   bash bench/scheduler_bench.sh [flags]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release --target qingling_scheduler_bench | tail -1
echo "host: $(uname -srm); sqlite3 $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '(no CLI)')"
exec ./build/release/bench/qingling_scheduler_bench "$@"
