# Sourced by peer suites that need a live Portal.Host: a temporary data folder, the host's CLI, and a
# host process on loopback that is always stopped on exit. Callers set $repo and $peer_name first.
host_dll="$repo/src/Portal.Host/bin/Release/net10.0/Portal.Host.dll"
[ -f "$host_dll" ] || dotnet build "$repo/src/Portal.Host" -c Release -nologo -v q >/dev/null
work="$(mktemp -d "/tmp/peer-$peer_name.XXXXXX")"
host_pid=""
cleanup() { [ -n "$host_pid" ] && { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
settings=("--ConnectionStrings:Portal=Data Source=$work/portal.db" "--Identity:OutboxPath=$work/outbox" --Logging:LogLevel:Default=Warning)

# The host's command line (clients add, keys rotate) against the same database.
host_cli() { (cd "$work" && dotnet "$host_dll" "$@" "${settings[@]}" >/dev/null); }

# host_start PORT [host arguments...]: starts the host and waits until /health/ready answers.
host_start() {
  local port=$1; shift
  (cd "$work" && exec dotnet "$host_dll" --urls "http://127.0.0.1:$port" "$@" "${settings[@]}" > "$work/host.log" 2>&1) &
  host_pid=$!
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$host_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "host did not start:"; cat "$work/host.log"; return 1
}

# host_log_tail: the end of the host's log, for a failing suite.
host_log_tail() { echo "--- host log"; tail -50 "$work/host.log"; }

# free_port: a loopback port nobody listens on right now, so suites never collide with other hosts.
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
