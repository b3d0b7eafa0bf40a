#!/usr/bin/env bash
# The appointment calendar files (.ics, RFC 5545) against an independent parser (ical.js): starts
# Portal.Host as a real process with the demo practice, books appointments through FHIR with a HIS
# client, downloads their .ics from /portal/afspraken/{id}/agenda.ics, and checks them with ical.js and
# the RFC's line rules. Always stops the host.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
peer_name=ical
source "$here/../lib/host.sh"
port=$(free_port)

host_cli clients add --id ical-peer --name "iCal peer" --auth client_secret_basic --secret ical-peer-secret-0123456789 --scopes "system/*.cruds"
host_start "$port" --Demo:Seed=true --Demo:SlotDays=4

HOST_BASE="http://127.0.0.1:$port" node --test --test-reporter=spec ical.test.mjs || { host_log_tail; exit 1; }
