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
peer_name=fhirclients
source "$here/../lib/host.sh"
port=$(free_port)
secret="peer-$(date +%s%N)"
host_cli clients add --id peer-his --name "Peer HIS" --auth client_secret_basic --secret "$secret" --scopes "system/*.cruds"
host_start "$port" --Demo:Seed=false

token_endpoint=$(curl -sf "http://127.0.0.1:$port/.well-known/smart-configuration" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token_endpoint))')
token=$(curl -sf -u "peer-his:$secret" -d "grant_type=client_credentials&scope=system/*.cruds" "$token_endpoint" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))')

FHIR_BASE="http://127.0.0.1:$port/fhir" FHIR_TOKEN="$token" node --test --test-reporter=spec session.test.mjs \
  || { host_log_tail; exit 1; }
