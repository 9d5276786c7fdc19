#!/usr/bin/env bash
# Installs the Debian 12 packages qingling needs to build, test and run.
# Idempotent: installs only what is missing. Runs apt through sudo when not root.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlitecpp-dev libsqlite3-dev sqlite3
  libyaml-cpp-dev libhowardhinnant-date-dev libcli11-dev libsodium-dev
  googletest libgtest-dev libcurl4-openssl-dev python3-aiosmtpd
  libxlsxwriter-dev libzip-dev libexpat1-dev libmagic-dev
  python3-openpyxl python3-icalendar python3-jsonschema python3-yaml
  prometheus-cpp-dev
)
tool_packages=(clang-format wrk python3 curl libbenchmark-dev)
# The browser tests: Debian's Chromium, driven by npm playwright-core, and a
# font with Chinese glyphs for the screenshots.
test_packages=(chromium fonts-wqy-microhei)
# The checks CI runs beyond the tests: libFuzzer targets (clang with its
# sanitizer runtimes) and clang-tidy.
check_packages=(clang libclang-rt-14-dev llvm clang-tidy)

want=("${build_packages[@]}")
for option in "$@"; do
  case "$option" in
    --with-tools) want+=("${tool_packages[@]}") ;;
    --tests) want+=("${test_packages[@]}") ;;
    --checks) want+=("${check_packages[@]}") ;;
    *) echo "setup: unknown option $option (known: --with-tools, --tests, --checks)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if dpkg-query -W -f='${Status}' libboost1.74-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: libboost1.74-dev is installed and conflicts with Boost 1.81; remove it first" >&2
  exit 1
fi

# Node.js and npm run the API contract's linter (web/package.json). Any node
# and npm on PATH will do; Debian's are installed only when there are none
# (@redocly/cli 1.34 runs on Node.js 18.17 or later: Debian 12 ships 18.19).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# web/'s npm packages, exactly as locked, when missing or older than the lock.
web="$(cd "$(dirname "$0")/../web" && pwd)"
if [ ! -d "$web/node_modules" ] || [ "$web/package-lock.json" -nt "$web/node_modules" ]; then
  echo "setup: installing web/ npm packages"
  (cd "$web" && npm ci --no-audit --no-fund)
fi
