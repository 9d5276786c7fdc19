#!/usr/bin/env bash
# Installs what is missing, builds qingling and serves the demo campaign
# (澄川市, 6 categories, 37 problems plus the carpet inspection) on an
# embedded SQLite database in data/demo. Extra arguments go to `serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target qingling
exec ./build/release/web/qingling serve --demo --data data/demo "$@"
