#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest: first the release
# build, then the AddressSanitizer + UndefinedBehaviorSanitizer build (skip it with
# CALFPUMP_SKIP_SANITIZERS=1), then the libFuzzer targets, 30 s each (scripts/fuzz.sh; skip them with
# CALFPUMP_SKIP_FUZZ=1). The sanitizer run leaves out the calibration tests that repeat the
# protocols over every scenario and the stored-picture comparison (CMakePresets.json, "asan"):
# they run the same code as the tests it keeps, many times over, and the release run has them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
ctest --preset release
if [ "${CALFPUMP_SKIP_SANITIZERS:-0}" != "1" ]; then
  cmake --preset asan
  cmake --build --preset asan
  ctest --preset asan
fi
if [ "${CALFPUMP_SKIP_FUZZ:-0}" != "1" ]; then
  bash scripts/fuzz.sh
fi
