#!/usr/bin/env bash
# Peer suite for Graph.Engine: builds and starts tests/Graph.Engine.PeerHost on a free loopback port,
# then runs peer.mjs (graphql-http audit, graphql-js schema check, parity corpus). Always stops the host.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../../.. && pwd)
art=${GRAPH_PEER_ARTIFACTS:-${TMPDIR:-/tmp}/graph-peer-artifacts}

npm ci --no-audit --no-fund --loglevel=error
dotnet build "$root/tests/Graph.Engine.PeerHost" -c Release --artifacts-path "$art" -nologo -v q >/dev/null

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dotnet "$art/bin/Graph.Engine.PeerHost/release/Graph.Engine.PeerHost.dll" "$port" schema.graphql data.json &
host_pid=$!
trap 'kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true' EXIT

up() { node -e "fetch('http://127.0.0.1:$port/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }
for _ in $(seq 1 120); do
  if up; then break; fi
  if ! kill -0 "$host_pid" 2>/dev/null; then echo "peer host exited early"; exit 1; fi
  sleep 0.5
done
up || { echo "peer host did not answer on port $port"; exit 1; }

node peer.mjs "http://127.0.0.1:$port"
