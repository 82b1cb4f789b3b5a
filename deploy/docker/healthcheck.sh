#!/bin/sh
# HEALTHCHECK of the hub images: grpc.health.v1 Check against the service in this container, with
# grpc_health_probe. Plaintext on loopback, or TLS (without verifying the name: it is this
# container) when HUB_TLS_CERT is set, as the service itself decides. HUB_HEALTH_SERVICE names the
# gRPC service to ask about (e.g. hub.v1.IntakeService); empty asks about the whole server.
# GRPC_HEALTH_PROBE overrides the probe's path (tests/e2e/prometheus_test.sh runs this script).
set -eu
probe="${GRPC_HEALTH_PROBE:-/usr/local/bin/grpc_health_probe}"
listen="${HUB_LISTEN:-127.0.0.1:50051}"
port="${listen##*:}"
if [ -n "${HUB_TLS_CERT:-}" ]; then
  exec "$probe" -addr="127.0.0.1:${port}" -service="${HUB_HEALTH_SERVICE:-}" \
    -connect-timeout=2s -rpc-timeout=2s -tls -tls-no-verify
fi
exec "$probe" -addr="127.0.0.1:${port}" -service="${HUB_HEALTH_SERVICE:-}" \
  -connect-timeout=2s -rpc-timeout=2s
