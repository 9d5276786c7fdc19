#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, ASan + UBSan) and
# runs each for SECONDS on a scratch copy of its seed corpus, so the repo's
# corpus never grows. Prints each target's executions and verdict; exits
# non-zero when any target crashed, leaked, timed out or hit a sanitizer,
# leaving the input that did it under build/fuzz/findings/<target>/.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     SECONDS defaults to 60; all targets by default
#
# FUZZ_NO_BUILD=1 skips configure and build (for runs beside one that built).
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_yaml_loader fuzz_json_body fuzz_sheet_import fuzz_http_request)
fi

build=build/fuzz
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build "$build" --target "${targets[@]}"
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/qingling-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
summary=()
for target in "${targets[@]}"; do
  findings="$build/findings/$target"
  mkdir -p "$findings" "$scratch/$target"
  cp -R "fuzz/corpus/$target/." "$scratch/$target/"
  dict=()
  [ -f "fuzz/$target.dict" ] && dict=(-dict="fuzz/$target.dict")
  log="$findings/last-run.log"
  echo "== $target: ${seconds}s"
  status=0
  "$build/fuzz/$target" "$scratch/$target" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ "$status" -eq 0 ]; then
    verdict="nothing found"
  else
    failed=1
    artefact="$(grep -o "Test unit written to .*" "$log" | tail -1 | sed 's/Test unit written to //')"
    verdict="FOUND (exit $status): ${artefact:-see $log}"
    grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error:|ALARM|==[0-9]+== ERROR: libFuzzer)" "$log" \
      | head -5 || true
  fi
  line="$(printf '%-20s %12s executions  %s' "$target" "${runs:-?}" "$verdict")"
  echo "$line"
  summary+=("$line")
done

echo "== fuzz summary (${seconds}s per target; logs in $build/findings/<target>/last-run.log)"
printf '%s\n' "${summary[@]}"
exit "$failed"
