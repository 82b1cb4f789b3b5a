#!/usr/bin/env bash
# A real single-node Apache Kafka 4.x broker (KRaft, broker and controller in one JVM) on 127.0.0.1,
# for tests and local runs. Production uses an existing Kafka cluster; see deploy/kafka/README.md.
#
#   scripts/kafka.sh start    download the jars once, start the broker, wait until it answers;
#                             prints "kafka running at 127.0.0.1:<port>" (also when already running).
#                             After "stop --keep-data" it starts the same broker again: same
#                             storage (no format), same config and ports, so the bootstrap address
#                             clients hold stays valid.
#   scripts/kafka.sh stop     stop the broker (SIGTERM, SIGKILL after 30 s) and delete its data
#   scripts/kafka.sh stop --keep-data
#                             stop the broker the same way but keep its data, config and ports for
#                             the next "start" (for fault tests: a broker outage and its recovery)
#   scripts/kafka.sh status   prints "running 127.0.0.1:<port>" (exit 0) or "stopped" (exit 1)
#   scripts/kafka.sh env      prints "export HUB_KAFKA_BROKERS=127.0.0.1:<port>", for eval
#   scripts/kafka.sh tool CLASS [ARGS...]
#                             runs a Kafka tool's main class on the same class path, e.g.
#                             tool org.apache.kafka.tools.TopicCommand --bootstrap-server ... --list
#
# Environment:
#   KAFKA_STATE_DIR          pid, ports, config, broker.log and data (default /tmp/hub-kafka)
#   XDG_CACHE_HOME           jars go to ${XDG_CACHE_HOME:-$HOME/.cache}/hub/kafka-<version>/lib
#   HUB_KAFKA_HEAP_OPTS      broker heap (default "-Xms256m -Xmx512m")
#   HUB_KAFKA_START_TIMEOUT  seconds to wait for the broker to answer (default 90)
# Needs java (17+) and mvn; installs openjdk-17-jre-headless and maven from Debian when missing.
set -euo pipefail

KAFKA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_DEPLOY_DIR="$KAFKA_ROOT/deploy/kafka"
KAFKA_POM="$KAFKA_DEPLOY_DIR/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$KAFKA_POM" | head -n 1)"
KAFKA_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/hub/kafka-$KAFKA_VERSION"
KAFKA_LIB_DIR="$KAFKA_CACHE_DIR/lib"
KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-/tmp/hub-kafka}"
KAFKA_START_TIMEOUT="${HUB_KAFKA_START_TIMEOUT:-90}"
read -r -a KAFKA_HEAP <<<"${HUB_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

PID_FILE="$KAFKA_STATE_DIR/pid"
BOOTSTRAP_FILE="$KAFKA_STATE_DIR/bootstrap"
PROPS_FILE="$KAFKA_STATE_DIR/server.properties"
ADMIN_PROPS_FILE="$KAFKA_STATE_DIR/admin.properties"
BROKER_LOG="$KAFKA_STATE_DIR/broker.log"
DATA_DIR="$KAFKA_STATE_DIR/data"
# Present while the state directory holds a broker stopped with "stop --keep-data".
KEPT_FILE="$KAFKA_STATE_DIR/kept"

kafka_log() { printf '[kafka] %s\n' "$*" >&2; }
die() { kafka_log "$*"; exit 1; }

# ---- tools and jars -------------------------------------------------------------------------------

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }

ensure_tools() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if [ ${#missing[@]} -gt 0 ]; then
    kafka_log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  local major
  major="$(java_major)"
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    die "Kafka $KAFKA_VERSION needs Java 17 or newer; 'java' is ${major:-unknown}"
  fi
}

# Copies the jars into $KAFKA_LIB_DIR once. The stamp holds the version and the pom's checksum, so a
# second run starts no Maven at all, and an edited pom downloads again.
ensure_jars() {
  local want stamp="$KAFKA_CACHE_DIR/stamp"
  want="$KAFKA_VERSION $(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  ensure_tools
  mkdir -p "$KAFKA_CACHE_DIR"
  (
    flock -w 900 8 || die "timed out waiting for another download into $KAFKA_CACHE_DIR"
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
    kafka_log "downloading Apache Kafka $KAFKA_VERSION jars into $KAFKA_LIB_DIR (once)"
    local tmp start=$SECONDS
    tmp="$(mktemp -d "$KAFKA_CACHE_DIR/lib.tmp.XXXXXX")"
    chmod 755 "$tmp"
    if ! mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$tmp" >"$KAFKA_CACHE_DIR/download.log" 2>&1; then
      tail -n 40 "$KAFKA_CACHE_DIR/download.log" >&2
      rm -rf "$tmp"
      die "could not download the Kafka jars (log: $KAFKA_CACHE_DIR/download.log)"
    fi
    rm -rf "$KAFKA_LIB_DIR"
    mv "$tmp" "$KAFKA_LIB_DIR"
    printf '%s\n' "$want" >"$stamp"
    kafka_log "downloaded $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIB_DIR" | cut -f1)) in $((SECONDS - start)) s"
  ) 8>"$KAFKA_CACHE_DIR/.lock"
}

# Runs a main class from the Kafka class path with quiet (WARN, stderr) logging and a small heap.
TOOL_JAVA=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$KAFKA_DEPLOY_DIR/log4j2.properties" -Dhub.kafka.log.level=WARN
  -cp "$KAFKA_LIB_DIR/*")
run_tool() { "${TOOL_JAVA[@]}" "$@"; }

# ---- state ----------------------------------------------------------------------------------------

# True when the pid file names a live broker started from this state directory.
is_running() {
  [ -f "$PID_FILE" ] || return 1
  local pid cmdline
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmdline="$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)" || return 1
  [[ "$cmdline" == *kafka.Kafka*"$PROPS_FILE"* ]]
}

bootstrap() { cat "$BOOTSTRAP_FILE"; }

clear_state() { rm -rf "$DATA_DIR" "$PID_FILE" "$BOOTSTRAP_FILE" "$KEPT_FILE"; }

# True when the state directory holds a broker stopped with "stop --keep-data": formatted storage,
# its config and its bootstrap address.
has_kept_broker() {
  [ -f "$KEPT_FILE" ] && [ -f "$PROPS_FILE" ] && [ -f "$BOOTSTRAP_FILE" ] && [ -f "$DATA_DIR/meta.properties" ]
}

# True once process $1 has exited (no longer exists, or is a zombie waiting to be reaped).
process_gone() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"
  [ "${stat%% *}" = Z ]
}

# Waits for the broker to exit (SIGTERM, then SIGKILL after 30 s) and removes its data; with
# "keep", keeps data, config and ports and marks them for the next start.
stop_broker() {
  local pid
  pid="$(cat "$PID_FILE")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do
    process_gone "$pid" && break
    sleep 0.1
  done
  if ! process_gone "$pid"; then
    kafka_log "broker $pid did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      process_gone "$pid" && break
      sleep 0.1
    done
  fi
  if [ "${1:-}" = keep ]; then
    rm -f "$PID_FILE"
    touch "$KEPT_FILE"
  else
    clear_state
  fi
}

# ---- start ----------------------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port below Linux's ephemeral range (32768+) that nothing listens on; if something binds it
# before the broker does, start notices "Address already in use" and tries other ports.
pick_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 12000))
    [ "$p" != "${1:-}" ] && ! port_in_use "$p" && { echo "$p"; return 0; }
  done
  die "found no free port on 127.0.0.1"
}

# A random Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with "-".
cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [[ "$id" != -* ]] && { echo "$id"; return 0; }
  done
}

# Writes the config for new ports, formats fresh storage and starts the broker in the background.
launch_broker() {
  local broker_port controller_port
  broker_port="$(pick_port)"
  controller_port="$(pick_port "$broker_port")"
  clear_state
  mkdir -p "$DATA_DIR"
  sed -e "s|@BROKER_PORT@|$broker_port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" \
    -e "s|@DATA_DIR@|$DATA_DIR|g" "$KAFKA_DEPLOY_DIR/server.properties.in" >"$PROPS_FILE"
  printf '%s\n' "request.timeout.ms=5000" "default.api.timeout.ms=10000" >"$ADMIN_PROPS_FILE"

  if ! run_tool kafka.tools.StorageTool format -t "$(cluster_id)" -c "$PROPS_FILE" \
      >"$KAFKA_STATE_DIR/format.log" 2>&1; then
    cat "$KAFKA_STATE_DIR/format.log" >&2
    die "could not format $DATA_DIR"
  fi

  : >"$BROKER_LOG"
  run_broker
  echo "127.0.0.1:$broker_port" >"$BOOTSTRAP_FILE"
}

# Starts the broker on $PROPS_FILE in the background, appending to $BROKER_LOG.
# A test broker: C1-only JIT and the serial collector start it seconds faster on a small machine.
# setsid: it belongs to no terminal or caller's process group; only "stop" ends it.
# 9>&-: it must not hold the state directory's lock.
run_broker() {
  setsid java "${KAFKA_HEAP[@]}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DEPLOY_DIR/log4j2.properties" -Dhub.kafka.log.level=INFO \
    -Dlog4j2.shutdownHookEnabled=false \
    -Dkafka.logs.dir="$KAFKA_STATE_DIR" -cp "$KAFKA_LIB_DIR/*" \
    kafka.Kafka "$PROPS_FILE" </dev/null >>"$BROKER_LOG" 2>&1 9>&- &
  echo $! >"$PID_FILE"
}

# 0 when the broker answers metadata and ApiVersions requests; 1 when it does not within
# $KAFKA_START_TIMEOUT seconds; 2 when it exited because another process took its port; 3 when it
# exited otherwise. (Liveness goes by pid: until the exec, /proc/<pid>/cmdline is not yet java's.)
wait_ready() {
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT)) pid port
  pid="$(cat "$PID_FILE")"
  port="$(bootstrap)"
  port="${port##*:}"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if process_gone "$pid"; then
      grep -q "Address already in use" "$BROKER_LOG" 2>/dev/null && return 2
      return 3
    fi
    if port_in_use "$port" &&
        timeout 30 "${TOOL_JAVA[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand \
          --bootstrap-server "$(bootstrap)" --command-config "$ADMIN_PROPS_FILE" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

cmd_start() {
  mkdir -p "$KAFKA_STATE_DIR"
  exec 9>"$KAFKA_STATE_DIR/.lock"
  flock -w 300 9 || die "timed out waiting for another start or stop in $KAFKA_STATE_DIR"
  if is_running; then
    echo "kafka running at $(bootstrap)"
    return 0
  fi
  ensure_tools
  ensure_jars
  if has_kept_broker; then
    resume_broker
    return 0
  fi
  # Whatever happens before the broker is ready (an error, Ctrl-C), do not leave it behind.
  trap 'if [ -f "$PID_FILE" ] && ! process_gone "$(cat "$PID_FILE")"; then stop_broker; else clear_state; fi' EXIT
  trap 'exit 130' INT TERM
  local rc
  for attempt in 1 2 3; do
    launch_broker
    rc=0
    wait_ready || rc=$?
    [ "$rc" -eq 0 ] && break
    [ "$rc" -eq 2 ] && [ "$attempt" -lt 3 ] && { kafka_log "port taken; retrying on other ports"; continue; }
    if [ "$rc" -eq 1 ]; then
      kafka_log "kafka did not answer within ${KAFKA_START_TIMEOUT} s; last lines of $BROKER_LOG:"
    else
      kafka_log "kafka exited during start-up; last lines of $BROKER_LOG:"
    fi
    tail -n 40 "$BROKER_LOG" >&2 || true
    exit 1
  done
  trap - EXIT INT TERM
  echo "kafka running at $(bootstrap)"
}

# Starts a broker kept by "stop --keep-data" on its old storage and ports. The ports cannot change
# (clients hold the bootstrap address), so a port taken in the meantime is an error, not a retry;
# a failed start stops the process again and keeps the data for another try.
resume_broker() {
  trap 'if [ -f "$PID_FILE" ] && ! process_gone "$(cat "$PID_FILE")"; then stop_broker keep; else rm -f "$PID_FILE"; fi' EXIT
  trap 'exit 130' INT TERM
  kafka_log "starting the kept broker again at $(bootstrap) on its existing storage"
  run_broker
  local rc=0
  wait_ready || rc=$?
  if [ "$rc" -ne 0 ]; then
    case "$rc" in
      1) kafka_log "kafka did not answer within ${KAFKA_START_TIMEOUT} s; last lines of $BROKER_LOG:" ;;
      2) kafka_log "the kept broker's port is taken by another process; last lines of $BROKER_LOG:" ;;
      *) kafka_log "kafka exited during start-up; last lines of $BROKER_LOG:" ;;
    esac
    tail -n 40 "$BROKER_LOG" >&2 || true
    exit 1
  fi
  trap - EXIT INT TERM
  rm -f "$KEPT_FILE"
  echo "kafka running at $(bootstrap)"
}

cmd_stop() {
  local keep=""
  case "${1:-}" in
    "") ;;
    --keep-data) keep=keep ;;
    *) usage ;;
  esac
  mkdir -p "$KAFKA_STATE_DIR"
  exec 9>"$KAFKA_STATE_DIR/.lock"
  flock -w 300 9 || die "timed out waiting for another start or stop in $KAFKA_STATE_DIR"
  if is_running; then
    stop_broker $keep
  elif [ -z "$keep" ]; then
    clear_state
  elif ! has_kept_broker; then
    die "no broker to stop in $KAFKA_STATE_DIR, and no kept data"
  fi
  if [ -n "$keep" ]; then
    echo "kafka stopped; data, config and ports kept in $KAFKA_STATE_DIR for the next start"
  else
    echo "kafka stopped"
  fi
}

cmd_status() {
  if is_running; then
    echo "running $(bootstrap)"
  else
    echo "stopped"
    return 1
  fi
}

cmd_env() {
  is_running || die "kafka is not running (scripts/kafka.sh start)"
  echo "export HUB_KAFKA_BROKERS=$(bootstrap)"
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }

case "${1:-}" in
  start) cmd_start ;;
  stop)
    [ $# -le 2 ] || usage
    cmd_stop "${2:-}"
    ;;
  status) cmd_status ;;
  env) cmd_env ;;
  tool)
    [ $# -ge 2 ] || usage
    shift
    ensure_jars
    run_tool "$@"
    ;;
  *) usage ;;
esac
