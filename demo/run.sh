#!/usr/bin/env bash
# The demo (./build.sh demo calls this after building): broker-server, one broker-host and one
# broker-client on loopback with state under .demo/, the counter guest as image "counter", pool
# "demo" entitled to user "demo". Stays in the foreground; Ctrl-C stops everything. Running it
# again reuses the state. tests/Broker.EndToEnd.Tests runs this same script (with the DEMO_*
# variables below) as its world, so the demo and the acceptance suite cannot drift apart.
#
#   DEMO_DIR          state directory (default: .demo in the repository)
#   DEMO_BIN          build output holding <Project>/release/<exe> (default: artifacts/bin)
#   DEMO_PORTAL_PORT  portal and REST API (default 5080); agents' gRPC is +1, the host's transfer endpoint +2
#   DEMO_GUEST        an assembled guest imported as image "counter" (default: the counter guest,
#                     assembled here with nasm; the acceptance suite also runs the churn guest)
set -euo pipefail

readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly DIR=$(mkdir -p "${DEMO_DIR:-$ROOT/.demo}" && cd "${DEMO_DIR:-$ROOT/.demo}" && pwd)
readonly BIN=${DEMO_BIN:-$ROOT/artifacts/bin}
readonly PORTAL_PORT=${DEMO_PORTAL_PORT:-5080}
readonly PORTAL=http://127.0.0.1:$PORTAL_PORT
readonly AGENTS=http://127.0.0.1:$((PORTAL_PORT + 1))
readonly TRANSFER_PORT=$((PORTAL_PORT + 2))
readonly SOCKET=$DIR/client/agent.sock
readonly CREDENTIALS=$DIR/credentials.txt
readonly WAIT_SECONDS=180

brokerctl() { "$BIN/Broker.Cli/release/brokerctl" "$@"; }
broker_host() { "$BIN/Broker.HostAgent/release/broker-host" "$@"; }
# brokerctl admin as the demo's admin; its login lives under the state directory, not in ~/.config.
admin() { XDG_CONFIG_HOME=$DIR/brokerctl brokerctl admin "$@"; }

say() { printf 'demo: %s\n' "$*"; }
fail() { printf 'demo: %s (logs: %s)\n' "$*" "$DIR/logs" >&2; exit 1; }

# Polls "$@" once a second until it succeeds; fails naming $what after WAIT_SECONDS.
wait_for() {
  local what=$1 deadline=$((SECONDS + WAIT_SECONDS))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "waited ${WAIT_SECONDS}s for $what"
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a daemon exited while waiting for $what"; done
    sleep 1
  done
}

# Daemons started by this run, in start order; stopped in reverse order on exit.
PIDS=()
start() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && exec "$@") >>"$DIR/logs/$name.log" 2>&1 &
  PIDS+=($!)
  say "$name started (pid $!, log $DIR/logs/$name.log)"
}

# SIGTERM to each daemon, newest first, and wait: the host agent powers its guests down and never
# leaves QEMU behind; SIGKILL after 60 s for one that hangs.
stop_all() {
  trap - INT TERM EXIT
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  say "stopped"
}

# 24 random characters, then one of each class the broker's password rules ask for.
random_password() { printf '%s-Aa1' "$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')"; }

# The value after "key: " in credentials.txt.
credential() { sed -n "s/^$1: //p" "$CREDENTIALS"; }

start_server() {
  mkdir -p "$DIR/server"
  # The content root (appsettings.json, wwwroot) is the project directory (by default it is the executable's).
  start broker-server "$ROOT/src/Broker.Server" "$BIN/Broker.Server/release/broker-server" \
    --contentRoot="$ROOT/src/Broker.Server" \
    --Broker:DataDirectory="$DIR/server" \
    --Kestrel:Endpoints:Http:Url="$PORTAL" \
    --Kestrel:Endpoints:Agents:Url="$AGENTS" \
    --Kestrel:Endpoints:Agents:Protocols=Http2
  wait_for "the broker to be ready" curl -fsS "$PORTAL/health/ready"
}

# credentials.txt (0600): the first admin's one-time password and the demo user's, made once.
write_credentials() {
  [[ -f $CREDENTIALS ]] && return 0
  local admin_password
  admin_password=$(sed -n 's/^password: //p' "$DIR/server/admin-credentials.txt")
  (umask 077 && printf 'portal: %s\nadmin: admin\nadmin-password: %s\ndemo: demo\ndemo-password: %s\n' \
    "$PORTAL" "$admin_password" "$(random_password)" >"$CREDENTIALS")
}

login_admin() {
  admin hosts list >/dev/null 2>&1 && return 0
  credential admin-password | admin login --server "$PORTAL" --user admin --password-stdin >/dev/null
}

create_demo_user() {
  admin --json users list | jq -e 'any(.[]; .userName == "demo")' >/dev/null && return 0
  credential demo-password | admin users create --name demo --role User --password-stdin
}

enroll_host() {
  [[ -f $DIR/host/identity.json ]] && return 0
  local token
  token=$(admin --json hosts add --name demo-host --capacity 4 | jq -r .token)
  broker_host enroll --server "$AGENTS" --token "$token" --data-dir "$DIR/host"
}

# The counter guest as a 1 MiB raw disk, uploaded to the broker as image counter:1; the broker hands
# it to the (running) host, which imports it into its base store and reports it: the image is Ready.
import_counter_image() {
  if ! admin --json images list | jq -e 'any(.[]; .name == "counter")' >/dev/null; then
    local guest=${DEMO_GUEST:-$DIR/counter.bin}
    [[ -n ${DEMO_GUEST:-} ]] || nasm -f bin -w+error -I "$ROOT/tests/guests/common/" -o "$guest" "$ROOT/tests/guests/counter/counter.asm"
    cp "$guest" "$DIR/counter.raw"
    truncate -s 1M "$DIR/counter.raw"
    admin images import "$DIR/counter.raw" --name counter --version 1
  fi
  wait_for "the host to import image counter:1" counter_image_settled
  local image
  image=$(admin --json images list | jq -c '.[] | select(.name == "counter")')
  [[ $(jq -r '.status // "Ready"' <<<"$image") == Ready ]] ||
    fail "the host could not import image counter:1: $(jq -r .statusReason <<<"$image")"
  say "image counter:1 is $(jq -r '"\(.id) (\(.baseContentAddress))"' <<<"$image")"
}

# True once image counter:1 is Ready (a host imported it) or Failed.
counter_image_settled() {
  admin --json images list | jq -e 'any(.[]; .name == "counter" and ((.status // "Ready") | IN("Ready", "Failed")))'
}

start_host() {
  start broker-host "$DIR/host" "$BIN/Broker.HostAgent/release/broker-host" run --data-dir "$DIR/host" \
    --HostAgent:TransferPort="$TRANSFER_PORT" --HostAgent:VmMemoryMiB=32 --HostAgent:MinFreeBytes=$((256 << 20)) \
    --HostAgent:PowerdownTimeout=00:00:05
  wait_for "the host to report healthy" host_healthy
}

host_healthy() { admin --json hosts list | jq -e 'any(.[]; .name == "demo-host" and .health == "Healthy")'; }

create_pool() {
  admin --json pools list | jq -e 'any(.[]; .name == "demo")' >/dev/null && return 0
  admin pools create --name demo --kind dedicated --image counter:1 --size 2 \
    --offline-allowed true --lease-days 7 --sync-minutes 5
  admin pools entitle demo --user demo
}

pool_provisioned() {
  admin --json desktops list --pool demo |
    jq -e '[.items[] | select(.state == "Available")] | length == 2'
}

start_client() {
  mkdir -p "$DIR/client"
  start broker-client "$DIR/client" "$BIN/Broker.ClientAgent/release/broker-client" run --data-dir "$DIR/client" \
    --ClientAgent:SocketPath="$SOCKET" --ClientAgent:MemoryMiB=32
  wait_for "the client agent's socket" brokerctl desktop list --socket "$SOCKET"
  [[ -f $DIR/client/enrolled ]] && return 0
  credential demo-password | brokerctl login --socket "$SOCKET" --server "$AGENTS" --user demo --password-stdin
  touch "$DIR/client/enrolled"
}

print_welcome() {
  cat <<TEXT

Broker demo is running (state in $DIR; Ctrl-C stops it).

  Portal      $PORTAL
  Admin       admin / $(credential admin-password)
  Demo user   demo / $(credential demo-password)
  (also in $CREDENTIALS, mode 0600)

Try (from $ROOT):
  export XDG_CONFIG_HOME=$DIR/brokerctl   # the demo's admin login for brokerctl admin
  $BIN/Broker.Cli/release/brokerctl admin pools show demo
  $BIN/Broker.Cli/release/brokerctl admin desktops list --pool demo
  $BIN/Broker.Cli/release/brokerctl admin hosts list
  $BIN/Broker.Cli/release/brokerctl desktop list --socket $SOCKET
  sed -n 1p $DIR/host/desktops/*/serial.log   # a desktop's console after "Start" in the portal

TEXT
}

main() {
  mkdir -p "$DIR/logs"
  chmod 0700 "$DIR"
  trap stop_all EXIT
  trap 'exit 130' INT TERM
  start_server
  write_credentials
  login_admin
  create_demo_user
  enroll_host
  start_host
  import_counter_image
  create_pool
  wait_for "the two desktops of pool demo to be provisioned" pool_provisioned
  start_client
  print_welcome
  say "ready"
  while true; do sleep 3600 & wait $! || true; done
}

main "$@"
