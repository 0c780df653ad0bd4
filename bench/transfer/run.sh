#!/usr/bin/env bash
# Our pull and sync vs rsync and cp on loopback: bench/transfer/run.sh [RUNS]
# Builds bench/transfer/Broker.Transfer.Bench, makes the data once in $TRANSFER_BENCH_WORK (default
# /tmp/transfer-bench, ~12 GiB of disk at most): a 4 GiB disk with 2 GiB of mixed data as a flat
# sparse image and as the host's base image. Starts an rsync daemon on 127.0.0.1 (modules src and
# push), then the bench starts the host side (DiskTransferService in Kestrel, its own process) and
# runs each row against its peer, RUNS pairs interleaved, and prints the table (with each pull's
# phases). TRANSFER_BENCH_ROWS=1 runs row 1 alone (1,3 or 1,2: add that row; default all rows).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${TRANSFER_BENCH_WORK:-/tmp/transfer-bench}
artifacts="$work/artifacts"
for tool in rsync cp sync; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install rsync)" >&2; exit 2; }
done
[[ $(rsync --version) == *zstd* ]] || { echo "run.sh: this rsync has no zstd compression (3.2+ built with libzstd needed)" >&2; exit 2; }

mkdir -p "$work/flat" "$work/rsync-push"
dotnet build "$root/bench/transfer/Broker.Transfer.Bench" -c Release -p:ArtifactsPath="$artifacts" --nologo -v quiet >/dev/null
bench="$artifacts/bin/Broker.Transfer.Bench/release/Broker.Transfer.Bench"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/rsyncd.conf" <<CONF
pid file = $work/rsyncd.pid
use chroot = no
uid = $(id -u)
gid = $(id -g)
[src]
  path = $work/flat
  read only = yes
[push]
  path = $work/rsync-push
  read only = no
CONF
rsync --daemon --no-detach --address=127.0.0.1 --port="$port" --config="$work/rsyncd.conf" &
daemon=$!
trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  rsync "rsync://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.1
done
rsync "rsync://127.0.0.1:$port/" >/dev/null || { echo "run.sh: the rsync daemon did not start" >&2; exit 2; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(rsync --version | head -n1)"
"$bench" run "$work" "$port" "${1:-3}"
echo "machine load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
