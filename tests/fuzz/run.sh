#!/usr/bin/env bash
# Fuzz campaign: tests/fuzz/run.sh TARGET SECONDS  (TARGET: vhdx)
# Builds the SharpFuzz harness, instruments the library, runs AFL++ for SECONDS and prints
# execs/s, paths found and crashes. Crash inputs are left in the work directory it prints;
# copy each into tests/fuzz/Broker.Vhdx.Fuzz/crashes/ so the replay tests keep it.
set -euo pipefail

target=${1:?usage: run.sh vhdx SECONDS}
seconds=${2:?usage: run.sh vhdx SECONDS}
case "$target" in
  vhdx) project=Broker.Vhdx.Fuzz; library=Broker.Vhdx.dll ;;
  *) echo "run.sh: unknown target '$target' (known: vhdx)" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
harness="$root/tests/fuzz/$project"
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$target.XXXXXX")}
out="$work/out"
findings="$work/findings"
command -v afl-fuzz >/dev/null || { echo "run.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 2; }

cd "$root"
dotnet tool restore >/dev/null
dotnet publish "$harness" -c Release -o "$out" -p:ArtifactsPath="$work/artifacts" --nologo -v quiet
dotnet sharpfuzz "$out/$library"

echo "fuzzing $target for ${seconds}s in $work"
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  afl-fuzz -V "$seconds" -i "$harness/corpus" -o "$findings" -t 10000 -m none \
  -- dotnet "$out/$project.dll" >"$work/afl.log" 2>&1 || { tail -n 30 "$work/afl.log" >&2; exit 1; }

stats="$findings/default/fuzzer_stats"
value() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
echo "execs/s:      $(value execs_per_sec) (total $(value execs_done) in $(value run_time)s)"
echo "paths found:  $(value corpus_count) (from $(value corpus_found) new)"
echo "crashes:      $(value saved_crashes)"
echo "hangs:        $(value saved_hangs)"
find "$findings/default/crashes" -type f ! -name README.txt -printf '  %p\n' 2>/dev/null || true
