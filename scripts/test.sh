#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs every test
# in the release and asan presets.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
dlrm_install_deps
jobs=$(nproc)
for preset in ${DLRM_TEST_PRESETS:-release asan}; do
  echo "== $preset =="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
