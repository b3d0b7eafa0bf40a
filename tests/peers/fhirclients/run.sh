#!/usr/bin/env bash
# Independent FHIR clients (fhir-kit-client, fhirclient) run a scripted session against a live
# Portal.Host (Release build made by test.sh) as a HIS would: a backend client registered with the
# host's 'clients add' command, a client_credentials token, then create/search/paging/_include/
# transaction/history. Always stops the host.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
work="$(mktemp -d /tmp/peer-fhirclients.XXXXXX)"
host_pid=""
cleanup() { [ -n "$host_pid" ] && { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
port=5190
host_dll="$repo/src/Portal.Host/bin/Release/net10.0/Portal.Host.dll"
[ -f "$host_dll" ] || dotnet build "$repo/src/Portal.Host" -c Release -nologo -v q >/dev/null
settings=("--ConnectionStrings:Portal=Data Source=$work/portal.db" "--Identity:OutboxPath=$work/outbox" --Logging:LogLevel:Default=Warning)
secret="peer-$(date +%s%N)"
(cd "$work" && dotnet "$host_dll" clients add --id peer-his --name "Peer HIS" --auth client_secret_basic \
   --secret "$secret" --scopes "system/*.cruds" "${settings[@]}" >/dev/null)

(cd "$work" && exec dotnet "$host_dll" --urls "http://127.0.0.1:$port" --Demo:Seed=false "${settings[@]}" > "$work/host.log" 2>&1) &
host_pid=$!
ready=0
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.5
done
if [ "$ready" -ne 1 ]; then echo "host did not start:"; cat "$work/host.log"; exit 1; fi

token_endpoint=$(curl -sf "http://127.0.0.1:$port/.well-known/smart-configuration" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token_endpoint))')
token=$(curl -sf -u "peer-his:$secret" -d "grant_type=client_credentials&scope=system/*.cruds" "$token_endpoint" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))')

FHIR_BASE="http://127.0.0.1:$port/fhir" FHIR_TOKEN="$token" node --test --test-reporter=spec session.test.mjs \
  || { echo "--- host log"; tail -50 "$work/host.log"; exit 1; }
