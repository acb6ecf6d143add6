#!/usr/bin/env bash
# Installs what is missing, builds (release), and runs the default job: the healthy leg and the
# leg with great saphenous reflux, walking, compared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
./build/release/app/calfpump report "$@"
