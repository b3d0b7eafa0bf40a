#!/usr/bin/env bash
# Runs every npm peer suite: each subfolder with a run.sh installs its packages (npm ci) and checks
# our implementation against an independent one. Fails when any suite fails.
set -euo pipefail
cd "$(dirname "$0")"
status=0
for suite in */run.sh; do
  [ -e "$suite" ] || continue
  name=$(dirname "$suite")
  echo "-- peer suite: $name"
  if ! bash "$suite"; then
    echo "peer suite $name FAILED"
    status=1
  fi
done
exit $status
