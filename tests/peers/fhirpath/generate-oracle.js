// Evaluates every R4 SearchParameter expression on every example of a matching type with HL7's
// fhirpath.js (the independent implementation) and writes the results as our evaluator's oracle.
// Usage: node generate-oracle.js <output.json>
'use strict';
const fs = require('fs');
const path = require('path');
const fhirpath = require('fhirpath');
const r4 = require('fhirpath/fhir-context/r4');

const repo = path.resolve(__dirname, '../../..');
const examplesDir = path.resolve(repo, '../shared/fhir-test-data/examples');
const paramsFile = path.join(repo, 'fhir-profiles/r4/search-parameters.json');

// resolve() in fhirpath.js fetches the reference from a server. Extraction must not fetch, so our
// evaluator's resolve() yields a marker typed from the reference itself (Type/id, absolute
// .../Type/id[/_history/v], #contained). This fake server answers the same way, so the oracle is
// fhirpath.js's own is/where logic applied to exactly that information.
const resourceTypes = new Set(Object.keys(r4.type2Parent).filter(t =>
  ['Resource', 'DomainResource'].includes(r4.type2Parent[t])));
globalThis.fetch = async (url) => {
  const m = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/?#]+)?$/.exec(String(url));
  const found = m && resourceTypes.has(m[1]);
  return new Response(JSON.stringify(found ? { resourceType: m[1], id: m[2] } : { resourceType: 'OperationOutcome' }),
    { status: found ? 200 : 404, headers: { 'Content-Type': 'application/fhir+json' } });
};
const options = { async: 'always', fhirServerUrl: 'http://oracle.invalid/fhir' };

const bundle = JSON.parse(fs.readFileSync(paramsFile, 'utf8'));
const params = bundle.entry.map(e => e.resource)
  .filter(p => p.resourceType === 'SearchParameter' && p.expression)
  .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

// Resource, DomainResource: every type inherits these; the spec's R4 bundle lists them as base.
function applies(param, type) {
  return param.base.some(b => b === type || b === 'Resource' ||
    (b === 'DomainResource' && type !== 'Bundle' && type !== 'Binary' && type !== 'Parameters'));
}

// Results come back as JSON values; FHIR decimals as JS numbers (compared by value on our side).
function plain(v) {
  return JSON.parse(JSON.stringify(v, (k, x) => (x === undefined ? null : x)));
}

async function main() {
const out = { generator: 'fhirpath@' + require('fhirpath/package.json').version + ' fhir-context/r4', examples: {} };
for (const file of fs.readdirSync(examplesDir).filter(f => f.endsWith('.json')).sort()) {
  const resource = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8').replace(/^\uFEFF/, ''));
  const results = {};
  for (const p of params) {
    if (!applies(p, resource.resourceType)) continue;
    let value;
    try {
      value = plain(await fhirpath.evaluate(resource, p.expression, null, r4, options));
    } catch (e) {
      value = { error: String(e.message || e).split('\n')[0] };
    }
    results[p.id] = value;
  }
  out.examples[file] = { resourceType: resource.resourceType, results };
}
out.expressions = Object.fromEntries(params.map(p => [p.id, p.expression]));

// One line per example keeps diffs readable and the file compact.
const lines = [];
lines.push('{"generator":' + JSON.stringify(out.generator) + ',');
lines.push('"expressions":' + JSON.stringify(out.expressions) + ',');
lines.push('"examples":{');
const files = Object.keys(out.examples);
files.forEach((f, i) => lines.push(JSON.stringify(f) + ':' + JSON.stringify(out.examples[f]) + (i < files.length - 1 ? ',' : '')));
lines.push('}}');
fs.writeFileSync(process.argv[2] || '/dev/stdout', lines.join('\n') + '\n');
}

main().catch(e => { console.error(e); process.exit(1); });
