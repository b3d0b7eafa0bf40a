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
peer_name=oauth
source "$here/../lib/host.sh"
port=$(free_port)
app_port=$(free_port); while [ "$app_port" = "$port" ]; do app_port=$(free_port); done

node keys.mjs "$work/his-private.json" "$work/his.jwks.json"
host_cli clients add --id his-peer --name "Peer HIS" --auth private_key_jwt --jwks-file "$work/his.jwks.json" --scopes "system/Patient.rs"
host_cli clients add --id oidc-app --name "openid-client app" --auth none --redirect-uri "http://127.0.0.1:9/callback" \
  --scopes "openid fhirUser launch/patient offline_access patient/*.rs"
host_cli clients add --id fhirclient-app --name "fhirclient app" --auth none --redirect-uri "http://127.0.0.1:$app_port/callback" \
  --scopes "openid fhirUser launch/patient patient/*.rs"

host_start "$port" --Demo:Seed=true --Demo:SlotDays=2

HOST_BASE="http://127.0.0.1:$port" OUTBOX="$work/outbox" HIS_PRIVATE_JWK="$work/his-private.json" APP_PORT="$app_port" \
  node --test --test-reporter=spec oauth.test.mjs || { host_log_tail; exit 1; }
