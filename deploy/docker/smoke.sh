#!/usr/bin/env bash
# The broker-server image, built and run for real: deploy/docker/smoke.sh (root, Debian; podman).
# Builds deploy/docker/Dockerfile from the committed tree (git archive HEAD) with podman, then runs
# two replicas on one throwaway PostgreSQL, sharing the ticket-signing key and the data-protection
# key ring as compose.yaml and the Helm chart set them up, and checks: both answer /health/ready,
# run as the image's user `app`, the image's HEALTHCHECK (bash /dev/tcp: no curl in the image)
# passes, and a portal login on one replica is honoured by the other. Uses ports 8080 and 8081.
#
# Base images: mcr.microsoft.com/dotnet/{sdk,aspnet}:10.0 are pulled when the registry answers.
# Where it does not (a machine that reaches only the Debian and NuGet mirrors), stand-ins under the
# same names are made from a Debian 12 rootfs (debootstrap), this machine's .NET install and its CA
# bundle (for a TLS-inspecting proxy), with the `app` user (uid 1654) the real aspnet image has.
# The Dockerfile itself is used unchanged. Work files in $IMAGE_SMOKE_WORK (default /tmp/broker-image-smoke).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${IMAGE_SMOKE_WORK:-/tmp/broker-image-smoke}
sdk_image=mcr.microsoft.com/dotnet/sdk:10.0
aspnet_image=mcr.microsoft.com/dotnet/aspnet:10.0
# Sandboxes often cap RLIMIT_NOFILE/NPROC below podman's defaults, which runc cannot then set.
limits=(--ulimit nofile=16384:16384 --ulimit nproc=4096:4096)

say() { echo "image smoke: $*"; }
die() { echo "image smoke: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "run as root (podman, a throwaway PostgreSQL)"
for tool in podman debootstrap openssl curl; do command -v "$tool" >/dev/null || die "$tool not found (apt-get install podman debootstrap openssl curl)"; done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $pg_bin ]] || die "PostgreSQL not found (apt-get install postgresql)"
mkdir -p "$work"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Stand-in base images when the registry is out of reach.
has_image() { podman image exists "$1"; }
if ! has_image "$sdk_image" || ! has_image "$aspnet_image"; then
  if timeout 60 podman pull -q "$sdk_image" >/dev/null 2>&1 && timeout 60 podman pull -q "$aspnet_image" >/dev/null 2>&1; then
    say "pulled the .NET base images"
  else
    say "no registry: making stand-in base images (Debian 12 + this machine's .NET)"
    if ! has_image localhost/broker-smoke-debian:12; then
      [[ -d $work/rootfs/usr ]] || debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log"
      tar -C "$work/rootfs" -c . | podman import - localhost/broker-smoke-debian:12 >/dev/null
    fi
    dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
    rm -rf "$work/sdk" "$work/aspnet" && mkdir -p "$work/sdk" "$work/aspnet/dotnet"
    cp -a "$dotnet_root" "$work/sdk/dotnet"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/shared" "$work/aspnet/dotnet/"
    cp /etc/ssl/certs/ca-certificates.crt "$work/sdk/"
    cat >"$work/sdk/Containerfile" <<'EOF'
FROM localhost/broker-smoke-debian:12
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libicu72 && rm -rf /var/lib/apt/lists/*
COPY dotnet /usr/share/dotnet
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_CERT_REVOCATION_MODE=offline
EOF
    cat >"$work/aspnet/Containerfile" <<'EOF'
FROM localhost/broker-smoke-debian:12
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libicu72 && rm -rf /var/lib/apt/lists/* \
 && groupadd -g 1654 app && useradd -u 1654 -g app -M -d /app -s /usr/sbin/nologin app
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
EOF
    podman build -q --pull=never --network host -t "$sdk_image" "$work/sdk" >/dev/null
    podman build -q --pull=never --network host -t "$aspnet_image" "$work/aspnet" >/dev/null
  fi
fi

# The image, from the committed tree (the Dockerfile's own context: the repository root).
rm -rf "$work/context" && mkdir -p "$work/context"
git -C "$root" archive HEAD | tar -x -C "$work/context"
podman build -q --pull=never --network host --format docker -f "$work/context/deploy/docker/Dockerfile" -t localhost/broker-server:smoke "$work/context" >/dev/null
say "built localhost/broker-server:smoke from $(git -C "$root" rev-parse --short HEAD)"

# A throwaway PostgreSQL, the shared key and key ring, two replicas.
pg_port=$(free_port)
state=$(mktemp -d "$work/run-XXXXXX")
chown postgres "$state"
containers=()
cleanup() {
  for container in "${containers[@]}"; do podman rm -f "$container" >/dev/null 2>&1 || true; done
  su postgres -c "$pg_bin/pg_ctl -D '$state/pg' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT
su postgres -c "$pg_bin/initdb -D '$state/pg' -A trust -U postgres" >"$state/initdb.log"
su postgres -c "$pg_bin/pg_ctl -D '$state/pg' -o '-p $pg_port -k $state -c listen_addresses=127.0.0.1' -l '$state/pg.log' -w start" >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "create user broker password 'smoke-password'"
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "create database broker owner broker"
mkdir -p "$state/keys"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$state/ticket-signing-key.pem" 2>/dev/null
chown 1654 "$state/ticket-signing-key.pem" "$state/keys" && chmod 0400 "$state/ticket-signing-key.pem"

port_free() { python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }
port_free 8080 && port_free 8081 || die "ports 8080 and 8081 must be free: replica 1 runs on the image's own ports"

ports=()
for replica in 1 2; do
  # Replica 1 keeps the image's endpoints (8080, 8081), so its own HEALTHCHECK applies; replica 2
  # moves to free ports, as a second instance on one host would.
  if [[ $replica == 1 ]]; then
    http=8080 endpoints=()
  else
    http=$(free_port) endpoints=(-e "Kestrel__Endpoints__Http__Url=http://127.0.0.1:$http" -e "Kestrel__Endpoints__Agents__Url=http://127.0.0.1:$(free_port)")
  fi
  ports+=("$http")
  name="broker-smoke-$$-$replica"
  containers+=("$name")
  podman run -d -q --name "$name" --network host "${limits[@]}" "${endpoints[@]}" \
    -e Database__Provider=Postgres \
    -e "ConnectionStrings__Broker=Host=127.0.0.1;Port=$pg_port;Database=broker;Username=broker;Password=smoke-password" \
    -v "$state/ticket-signing-key.pem:/var/lib/broker-server/ticket-signing-key.pem:ro" \
    -v "$state/keys:/var/lib/broker-server/keys" \
    localhost/broker-server:smoke >/dev/null
  # The first replica migrates the database and creates the first admin; the second joins after.
  for _ in $(seq 120); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready") == 200 ]] && break
    sleep 0.5
  done
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready") == 200 ]] \
    || { podman logs "$name" | tail -n 30; die "replica $replica is not ready"; }
  [[ $(podman exec "$name" id -u) == 1654 ]] || die "replica $replica does not run as app (1654)"
  say "replica $replica ready on 127.0.0.1:$http, user app"
done

podman healthcheck run "${containers[0]}" >/dev/null || die "the image's HEALTHCHECK fails on replica 1"
say "the image's HEALTHCHECK passes on replica 1"

password=$(podman logs "${containers[0]}" 2>&1 | sed -n 's/.*first administrator admin with password \([^;]*\);.*/\1/p' | head -n 1)
[[ -n $password ]] || die "the first replica printed no first-admin password"
jar="$state/cookies"
token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:${ports[0]}/Account/Login" \
  | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1)
[[ $(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "__RequestVerificationToken=$token" \
  --data-urlencode "Input.UserName=admin" --data-urlencode "Input.Password=$password" \
  "http://127.0.0.1:${ports[0]}/Account/Login") == 302 ]] || die "the login on replica 1 failed"
curl -s -b "$jar" "http://127.0.0.1:${ports[1]}/" | grep -q 'id="user-name">admin<' \
  || die "replica 2 does not honour replica 1's login (data-protection key ring not shared?)"
say "a login on replica 1 is honoured by replica 2"
say "ok"
