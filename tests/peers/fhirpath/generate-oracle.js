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
const options = { async: 'always', fhirServerUrl: 'http://oracle.invalid/fhir', traceFn: () => {} };

// Invariants (constraint.expression) of the R4 StructureDefinitions exercise much more of FHIRPath
// than search expressions do. Resource constraints run on their element (path.select(expr));
// data type constraints on every node of that type (descendants().ofType(T).select(expr)).
// ele-1 and ext-1 repeat on every element; they are kept once, on the data types' roots.
function invariants() {
  const list = [];
  const read = f => JSON.parse(fs.readFileSync(path.join(repo, 'fhir-profiles/r4', f), 'utf8'));
  for (const sd of read('profiles-resources.json').entry.map(e => e.resource)) {
    if (sd.resourceType !== 'StructureDefinition' || sd.kind !== 'resource' || sd.derivation === 'constraint') continue;
    for (const el of (sd.snapshot || {}).element || []) {
      for (const c of el.constraint || []) {
        if (!c.expression || c.key.startsWith('ele-') || c.key.startsWith('ext-')) continue;
        const elementPath = el.path.replace(/\[x\]$/, '');
        const expression = elementPath === sd.type ? c.expression : elementPath + '.select(' + c.expression + ')';
        list.push({ id: c.key + '@' + el.path, type: sd.type, expression });
      }
    }
  }
  for (const sd of read('profiles-types.json').entry.map(e => e.resource)) {
    if (sd.resourceType !== 'StructureDefinition' || sd.kind !== 'complex-type' || sd.derivation === 'constraint') continue;
    const root = ((sd.snapshot || {}).element || [])[0];
    for (const c of (root && root.constraint) || []) {
      if (!c.expression || c.key.startsWith('ext-1') && sd.type !== 'Extension') continue;
      if (c.key === 'ele-1' && sd.type !== 'Element') continue;
      const expression = 'descendants().ofType(' + sd.type + ').select(' + c.expression + ')';
      list.push({ id: c.key + '@' + sd.type, type: '*', expression });
    }
  }
  return list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
const invariantList = invariants();

// Hand-written expressions (expressions.txt) on a few examples, for what the above leave out.
const extraExpressions = fs.readFileSync(path.join(__dirname, 'expressions.txt'), 'utf8').split('\n')
  .map(l => l.trim()).filter(l => l && !l.startsWith('//'));
const extraExamples = new Set(['patient-example.json', 'observation-example.json']);

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
  const types = {};
  for (const p of params) {
    if (!applies(p, resource.resourceType)) continue;
    let value;
    try {
      value = plain(await fhirpath.evaluate(resource, p.expression, null, r4, options));
    } catch (e) {
      value = { error: String(e.message || e).split('\n')[0].slice(0, 120) };
    }
    results[p.id] = value;
    // The FHIR type of each result (search extraction depends on it), where there are results.
    if (Array.isArray(value) && value.length > 0) {
      try {
        types[p.id] = plain(await fhirpath.evaluate(resource, '(' + p.expression + ").select(type().namespace + '.' + type().name)", null, r4, options));
      } catch (e) {
        types[p.id] = { error: String(e.message || e).split('\n')[0].slice(0, 120) };
      }
    }
  }
  const invariantResults = {};
  for (const inv of invariantList) {
    if (inv.type !== '*' && inv.type !== resource.resourceType) continue;
    let value;
    try {
      value = plain(await fhirpath.evaluate(resource, inv.expression, { resource, rootResource: resource }, r4, options));
    } catch (e) {
      value = { error: String(e.message || e).split('\n')[0].slice(0, 120) };
    }
    invariantResults[inv.id] = value;
  }
  const extra = {};
  if (extraExamples.has(file)) {
    for (const expression of extraExpressions) {
      let value;
      try {
        value = plain(await fhirpath.evaluate(resource, expression, { resource, rootResource: resource }, r4, options));
      } catch (e) {
        value = { error: String(e.message || e).split('\n')[0].slice(0, 120) };
      }
      extra[expression] = value;
    }
  }
  out.examples[file] = { resourceType: resource.resourceType, results, types, invariants: invariantResults, extra };
}
out.expressions = Object.fromEntries(params.map(p => [p.id, p.expression]));
out.invariants = Object.fromEntries(invariantList.map(i => [i.id, { type: i.type, expression: i.expression }]));

// One line per example keeps diffs readable and the file compact.
const lines = [];
lines.push('{"generator":' + JSON.stringify(out.generator) + ',');
lines.push('"expressions":' + JSON.stringify(out.expressions) + ',');
lines.push('"invariants":' + JSON.stringify(out.invariants) + ',');
lines.push('"examples":{');
const files = Object.keys(out.examples);
files.forEach((f, i) => lines.push(JSON.stringify(f) + ':' + JSON.stringify(out.examples[f]) + (i < files.length - 1 ? ',' : '')));
lines.push('}}');
fs.writeFileSync(process.argv[2] || '/dev/stdout', lines.join('\n') + '\n');
}

main().catch(e => { console.error(e); process.exit(1); });
