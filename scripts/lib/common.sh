# Shared by scripts/run.sh and scripts/test.sh: install what the build needs, configure, build.
# Sourced, not executed.

HUB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HUB_BUILD_DIR="${HUB_BUILD_DIR:-$HUB_ROOT/build}"

# Debian packages the hub builds and tests with. Keep in step with CMakeLists.txt.
HUB_DEBIAN_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  librocksdb-dev librdkafka-dev prometheus-cpp-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libabsl-dev tzdata
  prometheus  # promtool and the server for scripts/ops_check.sh and tests/e2e/prometheus_test.sh
)

hub_log() { printf '[hub] %s\n' "$*" >&2; }

# Installs the packages that are missing; silent when everything is there.
hub_install_packages() {
  local missing=()
  local pkg
  for pkg in "${HUB_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  hub_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures (once) and builds everything into $HUB_BUILD_DIR.
hub_build() {
  if [ ! -f "$HUB_BUILD_DIR/build.ninja" ]; then
    hub_log "configuring $HUB_BUILD_DIR"
    cmake -S "$HUB_ROOT" -B "$HUB_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  fi
  hub_log "building (log: $HUB_BUILD_DIR/build.log)"
  if ! cmake --build "$HUB_BUILD_DIR" -- -j"$(nproc)" >"$HUB_BUILD_DIR/build.log" 2>&1; then
    grep -Ev '^\[[0-9]+/[0-9]+\] ' "$HUB_BUILD_DIR/build.log" | tail -n 80 >&2
    hub_log "build failed"
    return 1
  fi
}
