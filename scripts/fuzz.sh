#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (AddressSanitizer + UndefinedBehaviorSanitizer)
# in build/fuzz and runs each for a bounded time on a copy of its seed corpus under build/fuzz (the
# source tree is never written). Fails on any crash, sanitizer report, leak, timeout or
# out-of-memory; the reproducer is left in build/fuzz/artifacts/<target>/.
#   CALFPUMP_FUZZ_SECONDS   run time per target (default 30)
#   CALFPUMP_FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (default 10)
#   CALFPUMP_FUZZ_TARGETS   targets to run (default: all five)
#   CALFPUMP_FUZZ_JOBS      build parallelism (default: the build tool's)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/build/fuzz"
seconds=${CALFPUMP_FUZZ_SECONDS:-30}
timeout=${CALFPUMP_FUZZ_TIMEOUT:-10}
targets=(${CALFPUMP_FUZZ_TARGETS:-fuzz_scenario fuzz_description fuzz_mapping fuzz_leg_glb fuzz_user_mesh})

cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "${targets[@]}" ${CALFPUMP_FUZZ_JOBS:+-j "$CALFPUMP_FUZZ_JOBS"}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=0"
export LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0"   # Assimp's own leaks, see there
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TMPDIR="$build/tmp"   # the fuzzers' per-process folders for their input files
mkdir -p "$TMPDIR"

failed=()
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  corpus="$build/corpus/$name"    # the seeds plus what the runs add; kept between runs
  artifacts="$build/artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  cp -r "$root/tests/fuzz/corpus/$name/." "$corpus/"
  echo "fuzz: $t for ${seconds} s"
  if ! "$build/$t" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -max_len=1048576 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$build/$t.log" 2>&1; then
    failed+=("$t")
    echo "fuzz: $t FAILED; see $build/$t.log and $artifacts/" >&2
    tail -n 40 "$build/$t.log" >&2
  fi
  grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/$t.log" || true
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
