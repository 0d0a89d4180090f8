# Sourced by scripts/measure-cli and scripts/check-adc-aot: a throwaway docker-registry on a free loopback port holding
# fixture repositories from tests/Fixtures (replayed by scripts/fixtures/push, digests preserved).
#   start_loopback_registry WORKDIR [REPOSITORY…]   # sets REGISTRY (127.0.0.1:PORT) and REGISTRY_PID; no names = all
#   stop_loopback_registry
# The caller owns cleanup: call stop_loopback_registry from its EXIT trap.

free_loopback_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_loopback_registry() {
  local work="$1" root port fixtures tries=0
  shift
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  command -v docker-registry >/dev/null || { echo "docker-registry is not installed (scripts/bootstrap installs it)" >&2; return 2; }
  port="$(free_loopback_port)"
  REGISTRY="127.0.0.1:$port"
  mkdir -p "$work/registry-data"
  cat >"$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $work/registry-data}
  delete: {enabled: true}
http: {addr: $REGISTRY}
YAML
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  REGISTRY_PID=$!
  until curl -fs -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null; do
    kill -0 "$REGISTRY_PID" 2>/dev/null || { cat "$work/registry.log" >&2; return 1; }
    tries=$((tries + 1)); [ "$tries" -lt 200 ] || { echo "docker-registry did not start" >&2; return 1; }
    sleep 0.05
  done
  fixtures="$root/tests/Fixtures"
  if [ $# -gt 0 ]; then
    # Only the named repositories: a fixtures folder whose index lists just those, over the same blobs.
    fixtures="$work/fixtures"
    mkdir -p "$fixtures/registry"
    ln -sfn "$root/tests/Fixtures/registry/blobs" "$fixtures/registry/blobs"
    jq '.repositories |= with_entries(select(.key as $k | $ARGS.positional | index($k)))' --args "$@" \
      <"$root/tests/Fixtures/registry/repositories.json" >"$fixtures/registry/repositories.json"
  fi
  "$root/scripts/fixtures/push" "$REGISTRY" "$fixtures" 2>/dev/null
}

stop_loopback_registry() {
  if [ -n "${REGISTRY_PID:-}" ]; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
    REGISTRY_PID=""
  fi
}
