#!/usr/bin/env bash
# Proves the committed FHIRPath oracle (tests/Fhir.Server.Tests/FhirPath/oracle/fhirpath-js-r4.json)
# is exactly what HL7's fhirpath.js 5.1.1 returns for every R4 SearchParameter expression and every
# R4 invariant (constraint expression) on every
# example in ../shared/fhir-test-data/examples. The xunit test FhirPathJsOracleTests compares our
# evaluator with that file on every run.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
oracle=../../Fhir.Server.Tests/FhirPath/oracle/fhirpath-js-r4.json
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
node generate-oracle.js "$fresh"
if ! cmp -s "$fresh" "$oracle"; then
  echo "fhirpath oracle is stale: regenerate with 'node tests/peers/fhirpath/generate-oracle.js $oracle'"
  diff <(tr ',' '\n' < "$oracle") <(tr ',' '\n' < "$fresh") | head -20 || true
  exit 1
fi
pairs=$(node -e 'const o=require(process.argv[1]);let n=0,m=0,x=0;for(const e of Object.values(o.examples)){n+=Object.keys(e.results).length;m+=Object.keys(e.invariants).length;x+=Object.keys(e.extra).length}console.log(n+" search-expression, "+m+" invariant and "+x+" hand-written")' "$(realpath "$oracle")")
echo "fhirpath.js oracle up to date: $pairs expression×example results"
