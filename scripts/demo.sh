#!/usr/bin/env bash
# Builds the release preset and runs the main demo: examples/quickstart trains a small
# DLRM on generated data and prints its loss falling and its accuracy.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
dlrm_install_deps
cmake --preset release
cmake --build --preset release -j"$(nproc)" --target quickstart
build/release/bin/quickstart
