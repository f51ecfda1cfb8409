#!/bin/sh
# Runs one libFuzzer target the way ctest does:
#   run_fuzzer.sh BINARY NAME SECONDS WORK_DIR
# First every seed (corpus/NAME) and every kept crash input (regressions/NAME)
# once, then fuzzing for SECONDS. New inputs go to WORK_DIR, never to the
# source tree; a crash leaves its input in WORK_DIR/artifacts and fails.
set -eu
bin=$1 name=$2 seconds=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
seeds=$here/corpus/$name
regressions=$here/regressions/$name
dict=$here/$name.dict

if [ ! -x "$bin" ]; then
  echo "run_fuzzer: $bin is not built (scripts/build native-asan builds it)" >&2
  exit 77  # ctest: skipped
fi
mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
set -- -artifact_prefix="$work/$name/artifacts/" -timeout=10 -rss_limit_mb=2560

# Replay: each file once, whole (regression inputs may be longer than -max_len); any crash fails here.
replay=$(find "$seeds" "$regressions" -type f 2>/dev/null | sort)
if [ -n "$replay" ]; then
  echo "[fuzz] $name: replaying $(echo "$replay" | wc -l) seed and regression inputs"
  # shellcheck disable=SC2086  # file names are ours, without spaces
  "$bin" "$@" $replay >"$work/$name/replay.log" 2>&1 || { cat "$work/$name/replay.log"; exit 1; }
fi

echo "[fuzz] $name: fuzzing for $seconds s"
set -- "$@" -max_len=16384
[ -f "$dict" ] && set -- "$@" -dict="$dict"
if ! "$bin" "$@" -max_total_time="$seconds" -print_final_stats=1 "$work/$name/corpus" "$seeds" \
       >"$work/$name/fuzz.log" 2>&1; then
  tail -n 60 "$work/$name/fuzz.log"
  echo "[fuzz] $name: FAILED; the input is in $work/$name/artifacts/ -" \
       "keep it in tests/fuzz/regressions/$name/ once fixed" >&2
  exit 1
fi
grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+.*DONE)' "$work/$name/fuzz.log" || true
echo "[fuzz] $name: no crash"
