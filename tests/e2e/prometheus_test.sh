#!/usr/bin/env bash
# A real Prometheus against a real hubd (docs/operations.md, "What CI runs"):
#   1. hubd on loopback with its clock at 2026-03-02T09:00:00Z (--clock-start), a temporary data
#      directory and /metrics on a free port; Debian's prometheus scraping it every second and
#      evaluating deploy/prometheus/rules every second (every "for:" set to 0s: the production
#      durations are covered by the promtool unit tests, and a test cannot wait 15 minutes);
#   2. a melding registered with hubctl: hub_events_appended_total, the append latency histogram's
#      count (hub_log_append_seconds_count) of the intake topic and the RegisterMelding/OK call
#      counter go up in Prometheus' HTTP API; every metric hubd exports is in the catalogue;
#   3. hubd restarted on the same data directory with its clock 9 weeks later: the melding's
#      6-week onderzoek is overdue, and /api/v1/alerts shows HubMeldingOnderzoekOverdue firing for
#      tenant GM0632.
# On the way, the images' HEALTHCHECK (deploy/docker/healthcheck.sh with the pinned
# grpc_health_probe) is run against both hubd runs: plaintext on the first, TLS (a throw-away
# self-signed certificate) on the second, as the chart's exec probes do; a plaintext probe of the
# TLS server fails, which is why the kubelet's native gRPC probe cannot be the chart's default.
# Every wait is a poll with a deadline. Everything started here is stopped on exit, also on failure.
#
#   tests/e2e/prometheus_test.sh HUBD HUBCTL
set -euo pipefail
HUBD="${1:?usage: prometheus_test.sh HUBD HUBCTL}"
HUBCTL="${2:?usage: prometheus_test.sh HUBD HUBCTL}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../scripts/lib/ops_tools.sh
source "$ROOT/scripts/lib/ops_tools.sh"

# A developer's HUB_* settings must not change what the test means.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^HUB_' || true)

CLOCK_START=2026-03-02T09:00:00Z   # a Monday; the onderzoek is due 6 weeks later, 2026-04-13
CLOCK_LATER=2026-05-04T09:00:00Z   # 9 weeks later: overdue
TENANT=GM0632                      # hubctl's default identity (woerdenwijzer)

WORK="$(mktemp -d -t hub-prometheus-test-XXXXXX)"
HUBD_PID=""
PROM_PID=""

log() { printf '[prometheus_test] %s\n' "$*" >&2; }

# Stops process $1: SIGTERM, SIGKILL after 20 s; reaps it.
stop_process() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  stop_process "$HUBD_PID"
  stop_process "$PROM_PID"
  if [ "$status" -ne 0 ]; then
    for f in "$WORK"/hubd-*.log "$WORK/prometheus.log"; do
      [ -f "$f" ] || continue
      log "--- last lines of $(basename "$f")"
      tail -n 30 "$f" >&2
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { log "FAIL: $*"; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# poll DEADLINE_SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.5 s until it succeeds.
poll() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "not within ${limit} s: $what"
    sleep 0.5
  done
}

# ---- Prometheus' HTTP API ---------------------------------------------------------------------------
PROM_URL=""

# api PATH [QUERY]: GET $PROM_URL$PATH (with ?query=QUERY) and print the JSON.
api() {
  python3 - "$PROM_URL" "$@" <<'PY'
import json, sys, urllib.parse, urllib.request
base, path = sys.argv[1], sys.argv[2]
url = base + path
if len(sys.argv) > 3:
    url += "?" + urllib.parse.urlencode({"query": sys.argv[3]})
with urllib.request.urlopen(url, timeout=5) as response:
    print(response.read().decode())
PY
}

# value EXPR: the value of an instant query with one result, or "none".
value() {
  api /api/v1/query "$1" 2>/dev/null | python3 -c '
import json, sys
data = json.load(sys.stdin)["data"]["result"]
print(data[0]["value"][1] if len(data) == 1 else "none")' 2>/dev/null || echo none
}

# value_above EXPR BOUND: true once EXPR has a value greater than BOUND.
value_above() {
  local v
  v="$(value "$1")"
  [ "$v" != none ] && python3 -c "import sys; sys.exit(0 if float('$v') > float('$2') else 1)"
}

alert_firing() {
  api /api/v1/alerts 2>/dev/null | python3 -c '
import json, sys
alerts = json.load(sys.stdin)["data"]["alerts"]
sys.exit(0 if any(a["labels"].get("alertname") == sys.argv[1] and a["labels"].get("tenant") == sys.argv[2]
                  and a["state"] == "firing" for a in alerts) else 1)' "$1" "$2"
}

prometheus_ready() { api /-/ready >/dev/null 2>&1; }

# ---- hubd -------------------------------------------------------------------------------------------
GRPC_ADDRESS=""
HUBD_RUNS=0

# start_hubd CLOCK [FLAGS...]: hubd on free loopback ports over $WORK/hub; points Prometheus' file
# discovery at it.
start_hubd() {
  local clock="$1"
  shift
  HUBD_RUNS=$((HUBD_RUNS + 1))
  local logfile="$WORK/hubd-$HUBD_RUNS.log"
  "$HUBD" --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --data-dir "$WORK/hub" \
    --organisations "$ROOT/deploy/config/organisations.json" --clock-start "$clock" "$@" >"$logfile" 2>&1 &
  HUBD_PID=$!
  local deadline=$((SECONDS + 120)) line=""
  while :; do
    line="$(grep -m1 'serving gRPC on' "$logfile" || true)"
    [ -n "$line" ] && break
    kill -0 "$HUBD_PID" 2>/dev/null || fail "hubd exited during start-up"
    [ "$SECONDS" -lt "$deadline" ] || fail "hubd did not serve within 120 s"
    sleep 0.2
  done
  local grpc_port metrics_port
  grpc_port="$(sed -n 's/.*serving gRPC on 127\.0\.0\.1:\([0-9]*\).*/\1/p' <<<"$line")"
  metrics_port="$(sed -n 's/.*metrics on :\([0-9]*\)\/metrics.*/\1/p' <<<"$line")"
  [ -n "$grpc_port" ] && [ -n "$metrics_port" ] || fail "cannot read the ports from: $line"
  GRPC_ADDRESS="127.0.0.1:$grpc_port"
  printf '[{"targets": ["127.0.0.1:%s"], "labels": {"hubd_run": "%s"}}]\n' "$metrics_port" "$HUBD_RUNS" \
    >"$WORK/targets.json.tmp"
  mv "$WORK/targets.json.tmp" "$WORK/targets.json"
}

stop_hubd() {
  kill -TERM "$HUBD_PID"
  local deadline=$((SECONDS + 30))
  while kill -0 "$HUBD_PID" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "hubd did not stop within 30 s of SIGTERM"
    sleep 0.1
  done
  wait "$HUBD_PID" || fail "hubd exited with status $? on SIGTERM"
  HUBD_PID=""
}

# ---- Prometheus -------------------------------------------------------------------------------------
start_prometheus() {
  mkdir -p "$WORK/rules"
  local rules
  for rules in "$ROOT"/deploy/prometheus/rules/*.yml; do
    sed -E 's/^([[:space:]]*for:)[[:space:]].*$/\1 0s/' "$rules" >"$WORK/rules/$(basename "$rules")"
  done
  cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - rules/*.yml
scrape_configs:
  - job_name: hub-hubd
    file_sd_configs:
      - files: [targets.json]
        refresh_interval: 1s
EOF
  promtool check config "$WORK/prometheus.yml" >/dev/null || fail "the generated Prometheus configuration is invalid"
  local attempt port
  for attempt in 1 2 3; do
    port="$(free_port)"
    PROM_URL="http://127.0.0.1:$port"
    (cd "$WORK" && exec prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
      --web.listen-address="127.0.0.1:$port" --log.level=warn) >"$WORK/prometheus.log" 2>&1 &
    PROM_PID=$!
    local deadline=$((SECONDS + 60))
    while ! prometheus_ready; do
      if ! kill -0 "$PROM_PID" 2>/dev/null; then
        wait "$PROM_PID" 2>/dev/null || true
        PROM_PID=""
        grep -q 'address already in use' "$WORK/prometheus.log" && [ "$attempt" -lt 3 ] && continue 2
        fail "prometheus exited during start-up"
      fi
      [ "$SECONDS" -lt "$deadline" ] || fail "prometheus was not ready within 60 s"
      sleep 0.2
    done
    return 0
  done
}

# healthcheck SERVICE [ENV...]: the images' HEALTHCHECK against this test's hubd.
healthcheck() {
  local service="$1"
  shift
  env "$@" HUB_LISTEN="$GRPC_ADDRESS" HUB_HEALTH_SERVICE="$service" GRPC_HEALTH_PROBE="$PROBE" \
    sh "$ROOT/deploy/docker/healthcheck.sh" >>"$WORK/healthcheck.log" 2>&1
}

# ---- the test ---------------------------------------------------------------------------------------
ops_prometheus
command -v openssl >/dev/null 2>&1 || ops_locked apt ops_apt_install openssl
PROBE="$(ops_grpc_health_probe)"
START=$SECONDS

start_hubd "$CLOCK_START"
start_prometheus
log "hubd at $GRPC_ADDRESS, prometheus at $PROM_URL ($(prometheus --version 2>&1 | head -n 1))"

healthcheck hub.v1.IntakeService || fail "HEALTHCHECK (plaintext): $(cat "$WORK/healthcheck.log")"
healthcheck "" || fail "HEALTHCHECK of the whole server: $(cat "$WORK/healthcheck.log")"
healthcheck hub.v1.NoSuchService && fail "HEALTHCHECK passed for a service hubd does not serve"

APPENDED='sum(hub_events_appended_total{job="hub-hubd", topic="hub.intake.events.v1"})'
REGISTERED='sum(hub_grpc_server_handled_total{job="hub-hubd", service="hub.v1.IntakeService", method="RegisterMelding", code="OK"})'
APPEND_COUNT='sum(hub_log_append_seconds_count{job="hub-hubd", topic="hub.intake.events.v1"})'
OVERDUE="hub_intake_meldingen_overdue{job=\"hub-hubd\", tenant=\"$TENANT\"}"

poll 60 "hubd scraped (up == 1)" value_above 'up{job="hub-hubd"}' 0
poll 60 "hub_events_appended_total scraped" value_above "$APPENDED" -1
before="$(value "$APPENDED")"
# The intake topic's series appears with its first append; none yet counts as 0.
appends_before="$(value "$APPEND_COUNT")"
[ "$appends_before" = none ] && appends_before=0
[ "$(value "$OVERDUE")" = 0 ] || fail "a melding is overdue before any was registered: $(value "$OVERDUE")"

"$HUBCTL" --server "$GRPC_ADDRESS" melding register --person "111222333,1984-03-12,Anna de Vries,parent" \
  --channel phone --source school --question "Zorgen over de huur" --life-domain FINANCIEN >"$WORK/hubctl.out" 2>&1 ||
  { cat "$WORK/hubctl.out" >&2; fail "hubctl melding register failed"; }

poll 60 "hub_events_appended_total above $before after a melding" value_above "$APPENDED" "$before"
poll 30 "RegisterMelding OK counted" value_above "$REGISTERED" 0
poll 30 "hub_log_append_seconds_count of hub.intake.events.v1 above $appends_before after a melding" \
  value_above "$APPEND_COUNT" "$appends_before"
log "counters moved: events appended $before -> $(value "$APPENDED"), RegisterMelding OK $(value "$REGISTERED"),"\
" intake appends timed $appends_before -> $(value "$APPEND_COUNT")"

# Every metric hubd exports (as Prometheus stored it; recording rules, with a colon, left out) is in
# the catalogue of docs/operations.md.
api /api/v1/query 'count by (__name__) ({job="hub-hubd", __name__!~".*:.*"})' | python3 -c '
import json, sys
generated = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
             "scrape_series_added"}
for r in json.load(sys.stdin)["data"]["result"]:
    if r["metric"]["__name__"] not in generated:
        print(r["metric"]["__name__"])' >"$WORK/names.txt"
python3 "$ROOT/scripts/lib/ops_validate.py" names "$WORK/names.txt" || fail "hubd exports metrics the catalogue lacks"
alert_firing HubMeldingOnderzoekOverdue "$TENANT" && fail "HubMeldingOnderzoekOverdue fires before the due date"

# Nine weeks later: the onderzoek is overdue. This run listens with TLS, as in Kubernetes.
stop_hubd
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$WORK/tls.key" -out "$WORK/tls.crt" >/dev/null 2>&1 ||
  fail "openssl could not make a test certificate"
start_hubd "$CLOCK_LATER" --tls-cert "$WORK/tls.crt" --tls-key "$WORK/tls.key"
healthcheck hub.v1.IntakeService HUB_TLS_CERT="$WORK/tls.crt" ||
  fail "HEALTHCHECK (TLS): $(cat "$WORK/healthcheck.log")"
healthcheck hub.v1.IntakeService && fail "a plaintext health check of the TLS server passed"
poll 60 "hub_intake_meldingen_overdue = 1 for $TENANT after the clock passed the due date" value_above "$OVERDUE" 0
poll 60 "HubMeldingOnderzoekOverdue firing for $TENANT in /api/v1/alerts" alert_firing HubMeldingOnderzoekOverdue "$TENANT"
log "HubMeldingOnderzoekOverdue fires for $TENANT with the clock at $CLOCK_LATER"
log "passed in $((SECONDS - START)) s"
echo "1 passed, 0 failed"
