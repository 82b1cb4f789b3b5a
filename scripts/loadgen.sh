#!/usr/bin/env bash
# Measures hubd under load with bench/loadgen, the figures for docs/performance.md. Builds loadgen
# and hubd if needed, then runs two settings, each against a fresh hubd that loadgen starts itself on
# 127.0.0.1 (port 0, temporary data dir, stopped at the end):
#   1. maximum throughput: 64 households, closed loop, 20 s (after 2 s warm-up);
#   2. --rate at half the throughput measured in 1, 20 s: latency at a sustainable load, measured
#      from each call's scheduled send time (no coordinated omission).
# Prints both reports and a summary; keeps the reports and their JSON in the output directory.
#
#   scripts/loadgen.sh                          both runs
#   scripts/loadgen.sh --max-meldingen 10       extra loadgen options go to both runs
#   LOADGEN_DURATION=60 LOADGEN_HOUSEHOLDS=128 LOADGEN_OUT=/tmp/lg scripts/loadgen.sh
#
# Environment: LOADGEN_DURATION (s, default 20), LOADGEN_WARMUP (s, default 2), LOADGEN_HOUSEHOLDS
# (default 64), LOADGEN_THREADS (client threads, default 1), LOADGEN_OUT (default
# build/loadgen-results/<time>), HUB_BUILD_DIR (default build). Every run is bounded: loadgen gets
# SIGINT (it then reports what it has) 60 s after its run should have ended, SIGKILL 30 s later.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

DURATION="${LOADGEN_DURATION:-20}"
WARMUP="${LOADGEN_WARMUP:-2}"
HOUSEHOLDS="${LOADGEN_HOUSEHOLDS:-64}"
THREADS="${LOADGEN_THREADS:-1}"
OUT="${LOADGEN_OUT:-$HUB_BUILD_DIR/loadgen-results/$(date +%Y%m%d-%H%M%S)}"

# Only the two programs: the rest of the tree need not build for a measurement.
hub_install_packages
if [ ! -f "$HUB_BUILD_DIR/build.ninja" ]; then
  hub_log "configuring $HUB_BUILD_DIR"
  cmake -S "$HUB_ROOT" -B "$HUB_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
hub_log "building loadgen and hubd"
if ! cmake --build "$HUB_BUILD_DIR" --target loadgen hubd -- -j"$(nproc)" >"$HUB_BUILD_DIR/loadgen-build.log" 2>&1; then
  grep -Ev '^\[[0-9]+/[0-9]+\] ' "$HUB_BUILD_DIR/loadgen-build.log" | tail -n 80 >&2
  hub_log "build failed (log: $HUB_BUILD_DIR/loadgen-build.log)"
  exit 1
fi
LOADGEN="$HUB_BUILD_DIR/bench/loadgen/loadgen"
HUBD="$HUB_BUILD_DIR/services/hubd/hubd"
mkdir -p "$OUT"

# run <name> <loadgen options...>: one bounded run; the report to the terminal and $OUT/<name>.txt,
# its JSON line to $OUT/<name>.json.
run() {
  local name="$1"
  shift
  local limit=$((${DURATION%.*} + ${WARMUP%.*} + 60))
  # The report streams to the terminal as it is written; the JSON line goes to its own file only.
  set +o errexit
  timeout --signal=INT --kill-after=30 "$limit" \
    "$LOADGEN" --spawn-hubd "$HUBD" --households "$HOUSEHOLDS" --threads "$THREADS" \
    --duration "$DURATION" --warmup "$WARMUP" --json "$@" | tee "$OUT/$name.out" | grep --line-buffered -v '^{'
  local status="${PIPESTATUS[0]}"
  set -o errexit
  grep -v '^{' "$OUT/$name.out" >"$OUT/$name.txt" || true
  grep '^{' "$OUT/$name.out" | tail -n 1 >"$OUT/$name.json" || true
  rm -f "$OUT/$name.out"
  if [ "$status" -ne 0 ]; then
    hub_log "$name: loadgen exited with status $status"
    return "$status"
  fi
}

json_number() {  # json_number <file> <key>: the first numeric value of "key" in the JSON line
  sed -n "s/.*\"$2\":\([0-9.eE+-]*\).*/\1/p" "$1" | head -n 1
}

echo "== run 1 of 2: maximum throughput, $HOUSEHOLDS households, ${DURATION} s"
run max "$@"
MAX="$(json_number "$OUT/max.json" throughput_ops_per_sec)"
if [ -z "$MAX" ] || ! awk -v t="$MAX" 'BEGIN { exit !(t > 0) }'; then
  hub_log "run 1 measured no throughput; not starting run 2"
  exit 1
fi
HALF="$(awk -v t="$MAX" 'BEGIN { printf "%.0f", t / 2 }')"

echo
echo "== run 2 of 2: --rate $HALF (half of $MAX ops/s), $HOUSEHOLDS households, ${DURATION} s"
run half --rate "$HALF" "$@"

summary() {  # summary <name> <label>
  local file="$OUT/$1.json"
  python3 - "$file" "$2" <<'EOF' 2>/dev/null || echo "  $2: $(json_number "$file" throughput_ops_per_sec) ops/s"
import json, sys
r = json.load(open(sys.argv[1]))
ops = r["ops"]
cells = ", ".join(f'{k} p50 {ops[k]["latency"]["p50_ms"]:.2f} / p99 {ops[k]["latency"]["p99_ms"]:.2f} ms'
                  for k in ("register", "triage", "get", "all"))
print(f'  {sys.argv[2]}: {r["throughput_ops_per_sec"]:.0f} ops/s, {ops["all"]["errors"]} errors; {cells}')
EOF
}
echo
echo "== summary (reports and JSON in $OUT)"
summary max "max throughput"
summary half "rate $HALF      "
