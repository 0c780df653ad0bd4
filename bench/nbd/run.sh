#!/usr/bin/env bash
# Our NBD server vs qemu-nbd: bench/nbd/run.sh [RUNS] [ROW-FILTER] [SEAL-BOOTS]
# Builds bench/nbd/Broker.Nbd.Bench, prepares a 4 GiB dynamic VHDX (kept in $NBD_BENCH_WORK,
# default /tmp/nbd-bench, ~4 GiB of disk), times qemu-img bench rows against qemu-nbd and our
# server in turn and prints the figures and ratios ours ÷ qemu-nbd, our server's peak RSS, then
# seal and merge latency while the churn guest runs (SEAL-BOOTS boots; 0 skips it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${NBD_BENCH_WORK:-/tmp/nbd-bench}
artifacts="$work/artifacts"
for tool in qemu-img qemu-nbd qemu-system-x86_64 nasm; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install qemu-utils qemu-system-x86 nasm)" >&2; exit 2; }
done
dotnet build "$root/bench/nbd/Broker.Nbd.Bench" -c Release -p:ArtifactsPath="$artifacts" --nologo -v quiet >/dev/null
bench="$artifacts/bin/Broker.Nbd.Bench/release/Broker.Nbd.Bench"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(qemu-nbd --version | head -n1)"
"$bench" compare "$work" "${1:-3}" "${2:-}"
if [[ ${3:-8} != 0 ]]; then
  "$bench" seal "$work" "${3:-8}"
fi
