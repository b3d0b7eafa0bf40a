#!/usr/bin/env bash
# The SMART/OAuth2 authorization server against independent clients (openid-client, fhirclient):
# starts Portal.Host as a real process on loopback with a temporary database and the demo accounts,
# registers the peer clients with the host's 'clients add' command, runs oauth.test.mjs, and always
# stops the host.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
work="$(mktemp -d /tmp/peer-oauth.XXXXXX)"
host_pid=""
cleanup() { [ -n "$host_pid" ] && { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
port=5193
app_port=5194
host_dll="$repo/src/Portal.Host/bin/Release/net10.0/Portal.Host.dll"
[ -f "$host_dll" ] || dotnet build "$repo/src/Portal.Host" -c Release -nologo -v q >/dev/null
settings=("--ConnectionStrings:Portal=Data Source=$work/portal.db" "--Identity:OutboxPath=$work/outbox" --Logging:LogLevel:Default=Warning)
cli() { (cd "$work" && dotnet "$host_dll" "$@" "${settings[@]}" >/dev/null); }

node keys.mjs "$work/his-private.json" "$work/his.jwks.json"
cli clients add --id his-peer --name "Peer HIS" --auth private_key_jwt --jwks-file "$work/his.jwks.json" --scopes "system/Patient.rs"
cli clients add --id oidc-app --name "openid-client app" --auth none --redirect-uri "http://127.0.0.1:9/callback" \
  --scopes "openid fhirUser launch/patient offline_access patient/*.rs"
cli clients add --id fhirclient-app --name "fhirclient app" --auth none --redirect-uri "http://127.0.0.1:$app_port/callback" \
  --scopes "openid fhirUser launch/patient patient/*.rs"

(cd "$work" && exec dotnet "$host_dll" --urls "http://127.0.0.1:$port" --Demo:Seed=true --Demo:SlotDays=2 "${settings[@]}" > "$work/host.log" 2>&1) &
host_pid=$!
ready=0
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.5
done
if [ "$ready" -ne 1 ]; then echo "host did not start:"; cat "$work/host.log"; exit 1; fi

HOST_BASE="http://127.0.0.1:$port" OUTBOX="$work/outbox" HIS_PRIVATE_JWK="$work/his-private.json" APP_PORT="$app_port" \
  node --test --test-reporter=spec oauth.test.mjs || { echo "--- host log"; tail -50 "$work/host.log"; exit 1; }
