#!/usr/bin/env bash
# Regenerates tests/golden/<case>/expected.txt from the current build. Review the diff before committing:
# a changed fingerprint means the sequence of simulated events changed.
#   scripts/update-golden.sh [BUILD_DIR]   (default build/relassert)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/relassert}/kubesim"
for dir in tests/golden/*/; do
  "$bin" run "${dir}scenario.yaml" > "${dir}expected.txt"
  echo "updated ${dir}expected.txt"
done
