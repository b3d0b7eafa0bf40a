#!/usr/bin/env bash
# Runs every test: .NET unit and integration tests, then the npm peer suites.
# Installs what it needs on a fresh machine (Node packages via npm ci, Debian chromium when browser tests exist).
set -euo pipefail
cd "$(dirname "$0")"

echo "== dotnet build"
dotnet build Portal.sln -c Release -nologo -v q

echo "== dotnet test"
dotnet test Portal.sln -c Release --no-build -nologo -v q --logger "console;verbosity=minimal"

if [ -x tests/peers/run.sh ]; then
  echo "== npm peer suites"
  tests/peers/run.sh
fi
