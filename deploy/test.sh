#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh --tests
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev -j2
