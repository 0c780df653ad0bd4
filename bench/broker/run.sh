#!/usr/bin/env bash
# broker-server under simulated agents: bench/broker/run.sh [--quick] [--sqlite-only|--postgres-only] [--rates R1,R2,...]
# Builds src/Broker.Server and bench/broker/Broker.Server.Bench into $BROKER_BENCH_WORK (default
# /tmp/broker-bench), then runs the bench once on SQLite (a fresh data directory) and once on a
# throwaway PostgreSQL cluster (Debian's postgresql package, loopback port, stopped and deleted at
# the end). Each run: start broker-server, build the estate through its API (hosts, pools of
# desktops, users, devices), step the heartbeat load, race the check-outs, print a table.
# --quick: a small estate and one short step (about half a minute per database).
# --sqlite-only / --postgres-only: run on that database alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${BROKER_BENCH_WORK:-/tmp/broker-bench}
artifacts="$work/artifacts"
bench_args=() sqlite=yes postgres=yes
while (($#)); do
  case $1 in
    --quick) bench_args+=(--quick) ;;
    --sqlite-only) postgres=no ;;
    --postgres-only) sqlite=no ;;
    --rates) bench_args+=(--rates "$2"); shift ;;
    *) echo "usage: bench/broker/run.sh [--quick] [--sqlite-only|--postgres-only] [--rates R1,R2,...]" >&2; exit 2 ;;
  esac
  shift
done

for project in src/Broker.Server bench/broker/Broker.Server.Bench; do
  dotnet build "$root/$project" -c Release -p:ArtifactsPath="$artifacts" --nologo -v quiet >/dev/null
done
server="$artifacts/bin/Broker.Server/release/broker-server"
bench="$artifacts/bin/Broker.Server.Bench/release/Broker.Server.Bench"
rm -rf "$work/runs"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
if [[ $sqlite == yes ]]; then
  "$bench" "$server" "$work/runs" "${bench_args[@]}" || status=$?
fi
[[ $postgres == yes ]] || exit $status

pgbin=${BROKER_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[[ -x $pgbin/initdb ]] || { echo "run.sh: PostgreSQL not found (apt-get install postgresql)" >&2; exit 2; }
pgdata=$(mktemp -d /tmp/broker-bench-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$pgdata"; as_pg=(runuser -u postgres --); fi
stop_pg() { (cd / && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1) || true; rm -rf "$pgdata"; }
trap stop_pg EXIT
# Durable like the SQLite run (fsync on, synchronous commit), unlike the tests' fsync=off clusters.
(cd / && "${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 >/dev/null)
(cd / && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdata -c max_connections=200" start >/dev/null)
"$bench" "$server" "$work/runs" "${bench_args[@]}" --postgres "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" || status=$?
exit $status
