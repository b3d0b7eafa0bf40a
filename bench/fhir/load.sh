#!/usr/bin/env bash
# Search and bulk-load benchmark (issue 3): loads a Dutch practice data set (~31 resources per patient:
# lab Observations, MedicationRequests, Conditions, Appointments, Communications) through transaction
# bundles with a progress bar, then runs the typical query mix with 16 concurrent clients, at each size
# in SIZES (patients, cumulative). Usage: SIZES="10000 100000" bench/fhir/load.sh
# Every mix prints per-query p50/p95, server and client CPU per request (overall and per query kind, from
# short single-kind runs), the load average and the database size.
#   KEEP_DB=DIR   after each size, stop the host, copy the database files and ids to DIR/<size>/ (to rerun queries without a reload)
#   REUSE_DB=DIR  skip the load: copy DIR's portal.* and ids.txt (made by KEEP_DB) and only run the mix
#   SECONDS_PER_KIND=N  seconds of each single-kind run (default 4; 0 skips them)
#   WARMUP_SECONDS=N    searching before the timed mix (default 30: the JIT's warm-up; its throughput is printed)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
. "$repo/bench/fhir/host-env.sh"
sizes="${SIZES:-10000 100000}"
seconds="${SECONDS_PER_MIX:-20}"
per_kind="${SECONDS_PER_KIND:-4}"
work="$(mktemp -d /tmp/fhir-load.XXXXXX)"
port="${PORT:-5184}"
host_pid=""
cleanup() { [ -n "$host_pid" ] && { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT

echo "== building Release (Portal.Host, Fhir.Load)"
dotnet publish "$repo/src/Portal.Host" -c Release -o "$work/host" -nologo -v q >/dev/null
dotnet publish "$repo/bench/Fhir.Load" -c Release -o "$work/load" -nologo -v q >/dev/null
if [ -n "${REUSE_DB:-}" ]; then
  cp "$REUSE_DB"/portal.* "$REUSE_DB/ids.txt" "$work/"
  sizes="$(wc -l < "$work/ids.txt")"
fi
settings=("--ConnectionStrings:Portal=Data Source=$work/portal.db" --Demo:Seed=true --Demo:SlotDays=7
          --Identity:AccessTokenMinutes=240 "--Identity:OutboxPath=$work/outbox" --Logging:LogLevel:Default=Warning)
[ -n "${REUSE_DB:-}" ] || (cd "$work" && dotnet host/Portal.Host.dll clients add --id bench-load --name "bench load" --auth client_secret_basic \
   --secret bench-load-secret-0123456789 --scopes "system/*.cruds" "${settings[@]}" >/dev/null)
start_host() {
  (cd "$work" && exec env "${host_env[@]}" dotnet host/Portal.Host.dll --urls "http://127.0.0.1:$port" "${settings[@]}" >> "$work/host.log" 2>&1) &
  host_pid=$!
  # Up to 5 minutes: a database from before a new index pair fills it at start (3 minutes at 100,000 patients).
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  FHIR_TOKEN=$(curl -sf -u bench-load:bench-load-secret-0123456789 -d grant_type=client_credentials -d 'scope=system/*.cruds' \
    "http://127.0.0.1:$port/auth/token" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')
  export FHIR_TOKEN
}
start_host

loaded=0
for size in $sizes; do
  echo
  if [ -z "${REUSE_DB:-}" ]; then
    echo "== loading patients $loaded..$size (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    dotnet "$work/load/Fhir.Load.dll" load --base "http://127.0.0.1:$port/fhir" --from "$loaded" --to "$size" --ids "$work/ids.txt" --server-pid "$host_pid"
  fi
  loaded=$size
  resources=$(( size * 31 ))
  db_bytes=$(du -cb "$work"/portal.* | tail -1 | cut -f1)
  echo "database: $(( db_bytes / 1048576 )) MiB for ~$resources resources = $(( db_bytes / resources )) bytes per resource (portal.db, the audit file and the journal, with history, indexes and the access log)"
  if [ -z "${REUSE_DB:-}" ]; then
    # The load leaves background work: the access log's index rows of every created resource are merged into the
    # index after it (PendingReferences), and the WAL is checkpointed. Searches are measured once the server is idle.
    waited=0
    while [ "$waited" -lt 600 ]; do
      t0=$(awk '{print $14+$15}' "/proc/$host_pid/stat"); sleep 2; t1=$(awk '{print $14+$15}' "/proc/$host_pid/stat")
      waited=$((waited + 2))
      [ $((t1 - t0)) -lt 40 ] && break   # under 20% of one core over 2 s (100 ticks/s)
    done
    echo "server idle ${waited} s after the load (merging the access log's index rows of the load, checkpointing)"
  fi
  if [ -n "${KEEP_DB:-}" ]; then
    # The files are copied with the host stopped, so the copy is consistent and page for page the loaded database. (An
    # online backup, sqlite3's .backup, starts again whenever the server writes meanwhile: at 100,000 patients it never ended.)
    kill "$host_pid"; wait "$host_pid" 2>/dev/null || true
    mkdir -p "$KEEP_DB/$size"
    cp "$work"/portal.* "$work/ids.txt" "$KEEP_DB/$size/"
    echo "kept a copy in $KEEP_DB/$size"
    start_host
  fi
  echo "== query mix at $size patients (16 clients, ${seconds}s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  dotnet "$work/load/Fhir.Load.dll" query --base "http://127.0.0.1:$port/fhir" --ids "$work/ids.txt" --clients 16 --seconds "$seconds" \
    --server-pid "$host_pid" --seconds-per-kind "$per_kind" --warmup "${WARMUP_SECONDS:-30}"
  echo "load average after the mix: $(cut -d' ' -f1-3 /proc/loadavg)"
done
