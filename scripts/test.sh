#!/usr/bin/env bash
# Runs every test of the hub from a clean checkout: installs what is missing, builds into build/,
# runs the GoogleTest suites through ctest. Exit status is ctest's.
#
#   scripts/test.sh              all tests
#   scripts/test.sh -L unit      only one label (unit, integration)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

hub_install_packages
hub_build
cd "$HUB_BUILD_DIR"
hub_log "running tests"
ctest --output-on-failure --timeout 300 -j"$(nproc)" "$@"
