#!/usr/bin/env bash
# Every static check of the hub's operations files (docs/operations.md, "What CI runs"):
#   Prometheus   promtool check config / check rules / test rules (alert unit tests)
#   catalogue    metrics in the code, the catalogue, the rules and the dashboards agree
#   Grafana      dashboard JSON, data source variable, rows, queries (PromQL checked by promtool)
#   images       hadolint; the binaries and runtime packages of deploy/docker/Dockerfile are real
#   Helm         helm lint (default, production); helm template (default, production with the
#                monitoring API, three services with native gRPC probes, the configuration from
#                values) | kubeconform -strict
#                against Kubernetes' own schemas; a kubeconform self-test
# Installs what it needs (scripts/lib/ops_tools.sh), pinned and cached. Quiet: one line at the end,
# or each failing check with its output. Exit status 0 when everything passes.
#
#   scripts/ops_check.sh            (HUB_BUILD_DIR: where the built binaries are, default build/)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/ops_tools.sh
source "$ROOT/scripts/lib/ops_tools.sh"
BUILD_DIR="${HUB_BUILD_DIR:-$ROOT/build}"
START=$SECONDS

WORK="$(mktemp -d -t hub-ops-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=()

# check NAME COMMAND...: runs the command with its output kept; prints it only when it fails.
check() {
  local name="$1"
  shift
  if "$@" >"$WORK/out" 2>&1; then
    PASSED=$((PASSED + 1))
  else
    FAILED+=("$name")
    printf 'FAIL %s\n' "$name" >&2
    grep -v 'found symbolic link in path' "$WORK/out" | tail -n 60 | sed 's/^/    /' >&2
  fi
}

# ---- tools --------------------------------------------------------------------------------------
ops_prometheus
HELM="$(ops_helm)"
KUBECONFORM="$(ops_kubeconform)"
HADOLINT="$(ops_hadolint)"
SCHEMAS="$(ops_k8s_schemas)"
VALIDATE=(python3 "$ROOT/scripts/lib/ops_validate.py")

# ---- Prometheus ---------------------------------------------------------------------------------
check "promtool check config" promtool check config deploy/prometheus/prometheus.yml
check "promtool check rules" promtool check rules deploy/prometheus/rules/recording.yml deploy/prometheus/rules/alerts.yml
check "promtool test rules" promtool test rules deploy/prometheus/tests/alerts_test.yml

# ---- catalogue, rules, dashboards ---------------------------------------------------------------
check "metrics catalogue matches the code" "${VALIDATE[@]}" catalogue
check "rules query catalogued metrics, have runbooks and tests" "${VALIDATE[@]}" rules
check "grafana dashboards" "${VALIDATE[@]}" dashboards
dashboard_promql() {
  "${VALIDATE[@]}" dashboard-rules "$WORK/dashboard-rules.yml" && promtool check rules "$WORK/dashboard-rules.yml"
}
check "grafana queries are valid PromQL" dashboard_promql

# ---- container images ---------------------------------------------------------------------------
check "hadolint deploy/docker/Dockerfile" "$HADOLINT" --config deploy/docker/.hadolint.yaml deploy/docker/Dockerfile
check "Dockerfile binaries and runtime libraries" "${VALIDATE[@]}" docker "$BUILD_DIR/services" "$HUB_GRPC_HEALTH_PROBE_VERSION"

# ---- Helm ---------------------------------------------------------------------------------------
CHART=helm/hub
KUBE=(--kube-version "$HUB_K8S_VERSION" --namespace hub)
MONITORING=(--api-versions monitoring.coreos.com/v1/ServiceMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule)
KUBECONFORM_ARGS=(-strict -summary -kubernetes-version "$HUB_K8S_VERSION"
  -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json")

check "helm lint (default values)" "$HELM" lint --strict "$CHART"
check "helm lint (production values)" "$HELM" lint --strict "$CHART" -f "$CHART/values-production.yaml"

# render NAME ARGS...: helm template with ARGS into $WORK/NAME.yaml, then kubeconform on it; the
# expected kinds must all be there.
render() {
  local name="$1"
  shift
  "$HELM" template hub "$CHART" "${KUBE[@]}" "$@" >"$WORK/$name.yaml" 2>"$WORK/$name.err" ||
    { cat "$WORK/$name.err"; return 1; }
  "$KUBECONFORM" "${KUBECONFORM_ARGS[@]}" "$WORK/$name.yaml" || return 1
  local kind
  for kind in StatefulSet Service PodDisruptionBudget NetworkPolicy; do
    grep -q "^kind: $kind\$" "$WORK/$name.yaml" || { echo "no $kind rendered"; return 1; }
  done
}
render_default() { render default; }
render_production() {
  render production -f "$CHART/values-production.yaml" "${MONITORING[@]}" || return 1
  grep -q '^kind: ServiceMonitor$' "$WORK/production.yaml" && grep -q '^kind: PrometheusRule$' "$WORK/production.yaml" ||
    { echo "the monitoring API is present but no ServiceMonitor/PrometheusRule was rendered"; return 1; }
  [ "$(grep -c '^kind: StatefulSet$' "$WORK/production.yaml")" -eq 5 ] || { echo "expected 5 StatefulSets"; return 1; }
  ! grep -q '^kind: ServiceMonitor$' "$WORK/default.yaml" ||
    { echo "a ServiceMonitor was rendered without the monitoring API"; return 1; }
}
render_minimal() {
  render minimal -f "$CHART/values-production.yaml" "${MONITORING[@]}" \
    --set services.beschikking.enabled=false --set services.audit.enabled=false --set probes.kind=grpc \
    --set networkPolicy.partnerNamespaces=null --set podDisruptionBudget.enabled=true || return 1
  [ "$(grep -c '^kind: StatefulSet$' "$WORK/minimal.yaml")" -eq 3 ] || { echo "expected 3 StatefulSets"; return 1; }
}
# The configuration from values: one ConfigMap with all three files the services read.
render_config() {
  render config --set organisations.existingConfigMap= \
    --set-file organisations.register="$ROOT/deploy/config/organisations.json" \
    --set-file organisations.products="$ROOT/deploy/config/products.json" \
    --set-file organisations.reports="$ROOT/deploy/config/reports.json" || return 1
  local file
  for file in organisations.json products.json reports.json; do
    grep -q "^  $file: |\$" "$WORK/config.yaml" || { echo "the ConfigMap lacks $file"; return 1; }
  done
  # Without them the chart refuses to render, naming the value.
  ! "$HELM" template hub "$CHART" "${KUBE[@]}" --set organisations.existingConfigMap= \
    --set-file organisations.register="$ROOT/deploy/config/organisations.json" >/dev/null 2>"$WORK/config.err" &&
    grep -q "organisations.products" "$WORK/config.err" || { echo "rendered without products.json"; return 1; }
}
check "helm template (default values) | kubeconform" render_default
check "helm template (production values, Prometheus operator) | kubeconform" render_production
check "helm template (three services, native gRPC probes, no partners) | kubeconform" render_minimal
check "helm template (configuration from values: register, catalogue, report schemes) | kubeconform" render_config

# kubeconform must reject a misspelt field and an unknown kind: the schemas are real, not empty.
kubeconform_self_test() {
  sed 's/^  serviceName: /  serviceNames: /' "$WORK/default.yaml" >"$WORK/broken.yaml"
  if "$KUBECONFORM" "${KUBECONFORM_ARGS[@]}" "$WORK/broken.yaml" >"$WORK/broken.out" 2>&1; then
    echo "kubeconform accepted a StatefulSet with a misspelt field"
    return 1
  fi
  grep -q "additional properties 'serviceNames' not allowed" "$WORK/broken.out" || { cat "$WORK/broken.out"; return 1; }
  printf 'apiVersion: apps/v1\nkind: StatefulSett\nmetadata:\n  name: x\n' >"$WORK/unknown.yaml"
  if "$KUBECONFORM" "${KUBECONFORM_ARGS[@]}" "$WORK/unknown.yaml" >/dev/null 2>&1; then
    echo "kubeconform accepted a kind without a schema"
    return 1
  fi
}
check "kubeconform self-test (rejects bad manifests)" kubeconform_self_test

if [ ${#FAILED[@]} -ne 0 ]; then
  printf 'ops_check: %d of %d checks failed: %s\n' "${#FAILED[@]}" $((PASSED + ${#FAILED[@]})) "$(IFS=';'; echo "${FAILED[*]}")" >&2
  exit 1
fi
printf 'ops_check: all %d checks passed in %d s\n' "$PASSED" $((SECONDS - START))
