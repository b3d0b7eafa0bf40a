#!/usr/bin/env bash
# FHIR CRUD benchmark (issue 2): wrk on loopback against the Release build of Portal.Host, and in the
# same run a bare ASP.NET Core endpoint serving the same bytes from memory as the ceiling.
# Usage: bench/fhir/run.sh            (DURATION=15s WARMUP=3s CONNECTIONS=32 HOST_PORT=5181 CEILING_PORT=5182 by default)
# Creates, reads and the ceiling each get an untimed WARMUP run first (the same for all), so no figure
# includes the JIT's tier-up of that path (10-35 µs per read in a fresh host's first 10 s).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
. "$repo/bench/fhir/host-env.sh"
here="$repo/bench/fhir"
duration="${DURATION:-15s}"
warmup="${WARMUP:-3s}" # untimed run before each timed run (WARMUP=0s to skip)
connections="${CONNECTIONS:-32}"
work="$(mktemp -d /tmp/fhir-bench.XXXXXX)"
host_port="${HOST_PORT:-5181}"
ceiling_port="${CEILING_PORT:-5182}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

step() { echo; echo "== [$1/6] $2"; }

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi

step 1 "building Release (Portal.Host and the ceiling)"
dotnet publish "$repo/src/Portal.Host" -c Release -o "$work/host" -nologo -v q >/dev/null
dotnet publish "$repo/bench/Ceiling" -c Release -o "$work/ceiling" -nologo -v q >/dev/null

wait_ready() {
  for _ in $(seq 1 120); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "server at $1 did not become ready" >&2
  return 1
}

step 2 "starting Portal.Host on 127.0.0.1:$host_port (empty SQLite database in $work)"
# /fhir needs a bearer token: a bench HIS client (client_secret_basic, system/*.cruds) registered with the host's CLI.
(cd "$work" && dotnet host/Portal.Host.dll clients add --id bench --name bench --auth client_secret_basic \
   --secret bench-secret-0123456789 --scopes "system/*.cruds" "--ConnectionStrings:Portal=Data Source=$work/portal.db" \
   --Logging:LogLevel:Default=Warning > /dev/null)
(cd "$work" && exec env "${host_env[@]}" dotnet host/Portal.Host.dll --urls "http://127.0.0.1:$host_port" \
   "--ConnectionStrings:Portal=Data Source=$work/portal.db" --Demo:Seed=false --Identity:AccessTokenMinutes=120 \
   --Logging:LogLevel:Default=Warning > "$work/host.log" 2>&1) &
host_pid=$!
pids+=("$host_pid")
wait_ready "http://127.0.0.1:$host_port/health/ready"
token=$(curl -sf -u bench:bench-secret-0123456789 -d grant_type=client_credentials -d 'scope=system/*.cruds' \
  "http://127.0.0.1:$host_port/auth/token" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')
auth="Authorization: Bearer $token"

# wrk prints "Requests/sec: N" and, with --latency, "50% 1.23ms" style lines.
rps() { awk '/Requests\/sec/ {print int($2)}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
errors() { awk '/Non-2xx/ {print $5}' "$1" | grep . || echo 0; }

# CPU time the server process used (user + system), in clock ticks: per request it stays comparable
# when other work shares the machine, which throughput does not.
tick_hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
requests() { awk '/requests in/ {print $1}' "$1"; }

run_wrk() { # name url [lua] [server pid]
  local name=$1 url=$2 lua=${3:-} pid=${4:-$host_pid} before
  if [ -n "${WARM:-}" ] && [ "${warmup%s}" != 0 ]; then
    # Untimed warm-up of this request kind, so the timed run measures tiered-up code, not the JIT.
    wrk -t2 -c"$connections" -d"$warmup" -H "$auth" ${lua:+-s "$lua"} "$url" > /dev/null
  fi
  echo "   wrk -t2 -c$connections -d$duration $url"
  before=$(cpu_ticks "$pid")
  if [ -n "$lua" ]; then
    wrk -t2 -c"$connections" -d"$duration" --latency -H "$auth" -s "$lua" "$url" > "$work/$name.txt"
  else
    wrk -t2 -c"$connections" -d"$duration" --latency -H "$auth" "$url" > "$work/$name.txt"
  fi
  sleep 1 # let the access log's writer finish what the requests queued, so its CPU counts too
  echo $(( ($(cpu_ticks "$pid") - before) * 1000000 / tick_hz / $(requests "$work/$name.txt") )) > "$work/$name.cpu"
  echo "   $(rps "$work/$name.txt") req/s, p50 $(pct "$work/$name.txt" 50%), p99 $(pct "$work/$name.txt" 99%), non-2xx $(errors "$work/$name.txt"), server CPU $(cat "$work/$name.cpu") µs/request"
}

step 3 "create throughput"
BODY_FILE="$here/patient.json" WARM=1 run_wrk create-patient "http://127.0.0.1:$host_port/fhir/Patient" "$here/create.lua"
BODY_FILE="$here/observation.json" WARM=1 run_wrk create-observation "http://127.0.0.1:$host_port/fhir/Observation" "$here/create.lua"

step 4 "read by id (ids of 5,000 created patients)"
node -e '
  const base = process.argv[1]; const want = 5000; const ids = [];
  (async () => {
    let url = base + "/fhir/Patient/_history?_count=1000";
    while (url && ids.length < want) {
      const b = await (await fetch(url, { headers: { authorization: process.argv[3] } })).json();
      for (const e of b.entry || []) if (e.resource) ids.push(e.resource.id);
      const next = (b.link || []).find(l => l.relation === "next");
      url = next ? next.url : null;
    }
    require("fs").writeFileSync(process.argv[2], [...new Set(ids)].slice(0, want).join("\n") + "\n");
  })();' "http://127.0.0.1:$host_port" "$work/ids.txt" "Bearer $token"
echo "   $(wc -l < "$work/ids.txt") ids"
IDS_FILE="$work/ids.txt" WARM=1 run_wrk read "http://127.0.0.1:$host_port" "$here/read.lua"
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$host_pid/status")

step 5 "ceiling: bare ASP.NET Core serving the same bytes"
curl -sf -H "$auth" "http://127.0.0.1:$host_port/fhir/Patient/$(head -1 "$work/ids.txt")" > "$work/patient-body.json"
(exec dotnet "$work/ceiling/Ceiling.dll" --urls "http://127.0.0.1:$ceiling_port" "--Body=$work/patient-body.json" > "$work/ceiling.log" 2>&1) &
ceiling_pid=$!
pids+=("$ceiling_pid")
wait_ready "http://127.0.0.1:$ceiling_port/fhir/Patient/x"
IDS_FILE="$work/ids.txt" WARM=1 run_wrk ceiling "http://127.0.0.1:$ceiling_port" "$here/read.lua" "$ceiling_pid"

step 6 "results"
read_rps=$(rps "$work/read.txt"); ceiling_rps=$(rps "$work/ceiling.txt")
db_bytes=$(du -cb "$work"/portal.db* | tail -1 | cut -f1)
cat <<RESULT
| figure | value |
|---|---|
| date, machine | $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load generator on the same machine |
| create Patient | $(rps "$work/create-patient.txt")/s (p50 $(pct "$work/create-patient.txt" 50%), p99 $(pct "$work/create-patient.txt" 99%), non-2xx $(errors "$work/create-patient.txt"); server CPU $(cat "$work/create-patient.cpu") µs/request) |
| create Observation | $(rps "$work/create-observation.txt")/s (p50 $(pct "$work/create-observation.txt" 50%), p99 $(pct "$work/create-observation.txt" 99%), non-2xx $(errors "$work/create-observation.txt"); server CPU $(cat "$work/create-observation.cpu") µs/request) |
| read by id | ${read_rps}/s (p50 $(pct "$work/read.txt" 50%), p99 $(pct "$work/read.txt" 99%), non-2xx $(errors "$work/read.txt"); server CPU $(cat "$work/read.cpu") µs/request) |
| ceiling (same bytes from memory) | ${ceiling_rps}/s (p50 $(pct "$work/ceiling.txt" 50%), p99 $(pct "$work/ceiling.txt" 99%); server CPU $(cat "$work/ceiling.cpu") µs/request) |
| read as share of ceiling | $(( read_rps * 100 / ceiling_rps ))% |
| peak memory of the host (VmHWM) | $(( peak_kb / 1024 )) MiB |
| database after the run | $(( db_bytes / 1048576 )) MiB |
RESULT
