#!/usr/bin/env bash
# Broker's one entry point (see README.md).
#   ./build.sh test          install what is missing, build, check format, run every test
#   ./build.sh build         restore + Release build (apphosts under artifacts/bin/<Project>/release/)
#   ./build.sh demo          start broker, host agent and client agent on loopback
#   ./build.sh bench [NAME]  benchmarks under bench/, with ratios against peer tools
#   ./build.sh fuzz vhdx [S] an AFL++ campaign of S seconds on the VHDX parser
#   ./build.sh soak transfer [SEEDS]  kill -9 campaign of client and host during pulls and pushes
#   ./build.sh soak e2e [SEEDS]       kill -9 of broker, host and client agents during check-out, sync, check-in
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
readonly ROOT=$PWD
readonly ARTIFACTS=$ROOT/artifacts
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use: QEMU and qemu-img (VMs, cross-checks), nasm (test guests),
# libvhdi (independent VHDX reader for cross-checks), PostgreSQL (throwaway clusters for the
# persistence and server tests), Chromium (portal tests through Playwright), systemd
# (systemd-analyze and systemd-sysusers check the unit files of deploy/systemd), docker-compose
# (Compose 1.x validates deploy/docker/compose.yaml without a Docker daemon).
readonly TEST_PACKAGES=(qemu-system-x86 qemu-utils nasm python3-libvhdi libvhdi-utils postgresql chromium systemd docker-compose)
# What the demo needs besides .NET: QEMU (the desktops), nasm (the counter guest), jq and curl
# (demo/run.sh). The end-to-end tests run that script, so ./build.sh test installs them too.
readonly DEMO_PACKAGES=(qemu-system-x86 qemu-utils nasm jq curl)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Installs the named Debian packages that are not installed yet; does nothing when all are there.
ensure_debian_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get to install them"
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET SDK 10 is required (https://dot.net); dotnet is not on PATH"
}

cmd_build() {
  ensure_dotnet
  log "restore"
  dotnet restore Broker.sln
  log "build (Release)"
  dotnet build Broker.sln -c Release --no-restore
}

# Runs every test app, keeps going when one fails, and ends with exactly one line
# "N passed, N failed, N skipped" summed over all of them. Exit status is dotnet test's.
run_tests() {
  local log_file=$ARTIFACTS/test-results/test.log status=0
  # The suites start hundreds of servers in and beside the test processes; each watching its
  # settings and wwwroot would take an inotify instance, and a user gets 128 on Debian. Polling
  # (every 4 s) changes nothing the tests see.
  export DOTNET_USE_POLLING_FILE_WATCHER=true
  mkdir -p "$ARTIFACTS/test-results"
  rm -f "$ARTIFACTS"/test-results/*.trx
  log "test"
  dotnet test --solution Broker.sln -c Release --no-build \
    --results-directory "$ARTIFACTS/test-results" --report-xunit-trx \
    --ignore-exit-code 8 --timeout 30m 2>&1 | tee "$log_file" || status=$?
  if [[ $status -ne 0 ]]; then
    python3 tests/report-failures.py "$ARTIFACTS"/test-results/*.trx || true
  fi
  awk '/^Test run summary:/ { s = 1 }
       s && $1 == "succeeded:" { p = $2 } s && $1 == "failed:" { f = $2 }
       s && $1 == "error:" { e = $2 } s && $1 == "skipped:" { k = $2 }
       END { printf "%d passed, %d failed, %d skipped\n", p, f + e, k }' "$log_file"
  return "$status"
}

cmd_test() {
  ensure_dotnet
  ensure_debian_packages "${TEST_PACKAGES[@]}" "${DEMO_PACKAGES[@]}"
  cmd_build
  log "format check"
  local format_status=0
  dotnet format Broker.sln --verify-no-changes --no-restore || format_status=$?
  local test_status=0
  run_tests || test_status=$?
  if ((format_status != 0)); then
    echo "build.sh: dotnet format found code that does not follow .editorconfig" >&2
    return 1
  fi
  return "$test_status"
}

# ./build.sh demo: build, then demo/run.sh (broker, host agent and client agent on loopback, state in .demo/).
cmd_demo() {
  ensure_dotnet
  ensure_debian_packages "${DEMO_PACKAGES[@]}"
  cmd_build
  exec demo/run.sh "$@"
}

cmd_bench() {
  local name=${1:-}
  ensure_dotnet
  case $name in
    vhdx) ensure_debian_packages qemu-utils; shift; exec bench/vhdx/run.sh "$@" ;;
    nbd) ensure_debian_packages qemu-utils qemu-system-x86 nasm; shift; exec bench/nbd/run.sh "$@" ;;
    transfer) ensure_debian_packages rsync; shift; exec bench/transfer/run.sh "$@" ;;
    broker) ensure_debian_packages postgresql; shift; exec bench/broker/run.sh "$@" ;;
    chunks) shift; exec dotnet run -c Release --project bench/Broker.Benchmarks -- --filter '*' "$@" ;;
    "") echo "benchmarks: vhdx (ours vs qemu-img bench), nbd (our NBD server vs qemu-nbd, seal latency), transfer (our pull and sync vs rsync and cp), broker (broker-server under 1,000 simulated hosts and 2,000 devices, SQLite and PostgreSQL), chunks (hash and zstd micro-benchmarks); see bench/README.md" ;;
    *) die "no benchmark named '$name' (see bench/README.md)" ;;
  esac
}

# ./build.sh fuzz vhdx [SECONDS]: an AFL++ campaign on the VHDX parser (prints execs/s, paths, crashes).
cmd_fuzz() {
  local target=${1:-} seconds=${2:-300}
  [[ $target == vhdx ]] || die "usage: ./build.sh fuzz vhdx [SECONDS]"
  ensure_dotnet
  ensure_debian_packages afl++
  exec tests/fuzz/run.sh "$target" "$seconds"
}

# ./build.sh soak transfer [SEEDS]: the kill -9 tests of Broker.Transfer.Tests with SEEDS seeds (default 50).
# ./build.sh soak e2e [SEEDS]: scenario 4 of the acceptance suite (kill -9 of broker, host agent and
# client agent during check-out, sync and check-in) with SEEDS cycles in one demo world (default 30).
cmd_soak() {
  local target=${1:-}
  ensure_dotnet
  case $target in
    transfer)
      dotnet build tests/Broker.Transfer.Tests -c Release
      BROKER_TRANSFER_KILL_SEEDS=${2:-50} exec "$ARTIFACTS/bin/Broker.Transfer.Tests/release/Broker.Transfer.Tests" \
        --filter-class 'Broker.Transfer.Tests.Processes.TransferKillTests' --timeout 6h
      ;;
    e2e)
      ensure_debian_packages "${DEMO_PACKAGES[@]}"
      dotnet build tests/Broker.EndToEnd.Tests -c Release
      BROKER_E2E_KILL_SEEDS=${2:-30} exec "$ARTIFACTS/bin/Broker.EndToEnd.Tests/release/Broker.EndToEnd.Tests" \
        --filter-class 'Broker.EndToEnd.Tests.KillRecoveryTests' --timeout 12h
      ;;
    *) die "usage: ./build.sh soak transfer|e2e [SEEDS]" ;;
  esac
}

# ./build.sh image: builds the broker-server container image (deploy/docker/Dockerfile, podman) and
# runs two replicas on a throwaway PostgreSQL (deploy/docker/smoke.sh).
cmd_image() {
  ensure_debian_packages podman debootstrap postgresql curl openssl
  exec deploy/docker/smoke.sh "$@"
}

main() {
  local command=${1:-}
  [[ $# -gt 0 ]] && shift
  case $command in
    test) cmd_test "$@" ;;
    build) cmd_build "$@" ;;
    demo) cmd_demo "$@" ;;
    bench) cmd_bench "$@" ;;
    fuzz) cmd_fuzz "$@" ;;
    soak) cmd_soak "$@" ;;
    image) cmd_image "$@" ;;
    *) die "usage: ./build.sh test|build|demo|bench [NAME]|fuzz vhdx [SECONDS]|soak transfer|e2e [SEEDS]|image" ;;
  esac
}

main "$@"
