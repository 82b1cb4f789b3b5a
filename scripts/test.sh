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

# The Kafka backend is tested against a real broker (Apache Kafka in KRaft mode on loopback, fetched
# with Maven by scripts/kafka.sh). Without one, the tests labelled "kafka" report themselves skipped.
if [ -z "${HUB_KAFKA_BROKERS:-}" ]; then
  export KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-$(mktemp -d -t hub-kafka-XXXXXX)}"
  if "$HUB_ROOT/scripts/kafka.sh" start >&2; then
    trap '"$HUB_ROOT/scripts/kafka.sh" stop >/dev/null 2>&1 || true' EXIT
    eval "$("$HUB_ROOT/scripts/kafka.sh" env)"
  else
    hub_log "WARNING: no Kafka broker could be started; the kafka-labelled tests will be skipped"
  fi
fi

cd "$HUB_BUILD_DIR"
hub_log "running tests"
ctest --output-on-failure --timeout 300 -j"$(nproc)" "$@"
