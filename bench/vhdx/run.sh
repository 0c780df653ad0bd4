#!/usr/bin/env bash
# Broker.Vhdx vs qemu-img bench: bench/vhdx/run.sh [RUNS] [ROW-FILTER]
# Builds the benchmark, prepares a 4 GiB dynamic VHDX (kept in $VHDX_BENCH_WORK, default
# /tmp/vhdx-bench, ~4 GiB of disk) and prints MB/s per side and the ratio ours ÷ qemu per row.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${VHDX_BENCH_WORK:-/tmp/vhdx-bench}
artifacts="$work/artifacts"
command -v qemu-img >/dev/null || { echo "run.sh: qemu-img not found (apt-get install qemu-utils)" >&2; exit 2; }
dotnet build "$root/bench/vhdx/Broker.Vhdx.Bench" -c Release -p:ArtifactsPath="$artifacts" --nologo -v quiet >/dev/null
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), qemu-img $(qemu-img --version | head -n1 | cut -d' ' -f3)"
exec dotnet "$artifacts/bin/Broker.Vhdx.Bench/release/Broker.Vhdx.Bench.dll" "$work" "${1:-3}" "${2:-}"
