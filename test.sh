#!/usr/bin/env bash
# Runs every test: .NET unit and integration tests, then the npm peer suites (tests/peers/*/run.sh).
# Installs what it needs on a fresh machine (Debian's chromium for the browser tests; npm packages with npm ci inside each peer suite).
set -euo pipefail
cd "$(dirname "$0")"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "== chromium for the browser tests (Debian's, driven by Playwright; never a downloaded browser)"
if [ ! -x /usr/bin/chromium ]; then
  if ! { apt-get update && apt-get install -y chromium; }; then
    echo "test.sh: /usr/bin/chromium is missing and 'apt-get install -y chromium' failed; the browser tests (tests/Portal.Ui.Tests) need it" >&2
    exit 1
  fi
fi

echo "== dotnet build"
dotnet build Portal.sln -c Release -nologo -v q

echo "== dotnet test"
status=0
dotnet test Portal.sln -c Release --no-build -nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee "$log" || status=$?
passed=$(awk -F'Passed: *' '/Passed!|Failed!/ {split($2, a, ","); s += a[1]} END {print s + 0}' "$log")
failed=$(awk -F'Failed: *' '/Passed!|Failed!/ {split($2, a, ","); s += a[1]} END {print s + 0}' "$log")

peers=0
if [ -x tests/peers/run.sh ]; then
  echo "== npm peer suites"
  tests/peers/run.sh || peers=$?
fi

echo
echo "browser test screenshots: tests/Portal.Ui.Tests/bin/Release/net10.0/screenshots"
echo "dotnet: $passed passed, $failed failed"
[ "$peers" -eq 0 ] && echo "peer suites: all passed" || echo "peer suites: FAILED"
if [ "$status" -ne 0 ] || [ "$peers" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
