// Strips the FHIR R4 definition bundles to what the server uses: structure (snapshot
// elements with types, cardinality, bindings, constraints, fixed/pattern values, type
// extensions such as the primitive regex), search parameters and the terminology that
// required bindings point at. Narrative, mappings, differentials and prose are dropped.
'use strict';
const fs = require('fs');
const path = require('path');
const [src, out] = process.argv.slice(2);

const read = (name) => JSON.parse(fs.readFileSync(path.join(src, name), 'utf8'));
const write = (name, resources) => {
  const bundle = { resourceType: 'Bundle', id: name.replace('.json', ''), type: 'collection',
    entry: resources.map((resource) => ({ fullUrl: resource.url, resource })) };
  fs.writeFileSync(path.join(out, name), JSON.stringify(bundle));
};
const pick = (obj, keys) => {
  const r = {};
  for (const k of keys) if (obj[k] !== undefined) r[k] = obj[k];
  return r;
};
const canonical = (url) => (url || '').split('|')[0];

const elementKeys = ['id', 'path', 'sliceName', 'min', 'max', 'base', 'type', 'contentReference',
  'maxLength', 'isModifier', 'isSummary', 'representation', 'slicing', 'meaningWhenMissing'];
function stripElement(e) {
  const r = pick(e, elementKeys);
  for (const k of Object.keys(e)) if (k.startsWith('fixed') || k.startsWith('pattern') ||
    k.startsWith('minValue') || k.startsWith('maxValue')) r[k] = e[k];
  if (e.binding) r.binding = pick(e.binding, ['strength', 'valueSet']);
  // ele-1 (a value or children) repeats on every element and is a third of the file; the
  // validator enforces it structurally (no empty objects, arrays or strings).
  const constraints = (e.constraint || []).filter((c) => c.key !== 'ele-1');
  if (constraints.length) r.constraint = constraints.map((c) => pick(c, ['key', 'severity', 'human', 'expression', 'source']));
  return r;
}
function stripStructure(sd) {
  const r = pick(sd, ['resourceType', 'id', 'url', 'version', 'name', 'status', 'kind', 'abstract',
    'type', 'baseDefinition', 'derivation', 'context']);
  r.snapshot = { element: sd.snapshot.element.map(stripElement) };
  return r;
}
// Medplum's copy adds a few later-version definitions (SubscriptionStatus 4.3.0, a 5.0.0 search
// parameter); only what R4 itself defines (version 4.0.1) is kept.
const isR4 = (r) => r.version === undefined || r.version === '4.0.1';
const resourcesOf = (bundle, type) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type && isR4(r));

const types = resourcesOf(read('profiles-types.json'), 'StructureDefinition').map(stripStructure);
const resourceBundle = read('profiles-resources.json');
const resources = resourcesOf(resourceBundle, 'StructureDefinition').map(stripStructure)
  .concat(resourcesOf(resourceBundle, 'CompartmentDefinition').map((c) => pick(c,
    ['resourceType', 'id', 'url', 'name', 'code', 'search', 'resource'])));
write('profiles-types.json', types);
write('profiles-resources.json', resources);

write('search-parameters.json', resourcesOf(read('search-parameters.json'), 'SearchParameter').map((p) =>
  pick(p, ['resourceType', 'id', 'url', 'version', 'name', 'code', 'base', 'type', 'expression',
    'target', 'multipleOr', 'multipleAnd', 'comparator', 'modifier', 'chain', 'component'])));

// Terminology: the value sets bound with strength "required" anywhere, and every code system
// they include, so the validator can check required bindings without a terminology server.
const required = new Set();
for (const sd of types.concat(resources)) {
  for (const e of (sd.snapshot ? sd.snapshot.element : [])) {
    if (e.binding && e.binding.strength === 'required' && e.binding.valueSet) required.add(canonical(e.binding.valueSet));
  }
}
const terminology = new Map();
for (const file of ['valuesets.json', 'v3-codesystems.json']) {
  for (const e of read(file).entry) {
    const r = e.resource;
    if (!terminology.has(r.resourceType + ' ' + r.url)) terminology.set(r.resourceType + ' ' + r.url, { file, r });
  }
}
const valueSets = new Map();
const codeSystems = new Set();
const queue = [...required];
while (queue.length) {
  const url = queue.pop();
  if (valueSets.has(url)) continue;
  const found = terminology.get('ValueSet ' + url);
  if (!found) continue;
  valueSets.set(url, found);
  for (const part of ['include', 'exclude']) {
    for (const inc of ((found.r.compose || {})[part] || [])) {
      if (inc.system) codeSystems.add(inc.system);
      for (const vs of inc.valueSet || []) queue.push(canonical(vs));
    }
  }
}
const stripConcepts = (concepts) => concepts.map((c) => {
  const r = pick(c, ['code', 'display']);
  if (c.concept) r.concept = stripConcepts(c.concept);
  return r;
});
const byFile = { 'valuesets.json': [], 'v3-codesystems.json': [] };
for (const { file, r } of valueSets.values()) {
  const vs = pick(r, ['resourceType', 'id', 'url', 'version', 'name', 'status']);
  if (r.compose) {
    vs.compose = {};
    for (const part of ['include', 'exclude']) {
      if (r.compose[part]) vs.compose[part] = r.compose[part].map((inc) => {
        const i = pick(inc, ['system', 'version', 'filter', 'valueSet']);
        if (inc.concept) i.concept = inc.concept.map((c) => pick(c, ['code', 'display']));
        return i;
      });
    }
  }
  byFile[file].push(vs);
}
for (const system of codeSystems) {
  const found = terminology.get('CodeSystem ' + system);
  if (!found) continue;
  const cs = pick(found.r, ['resourceType', 'id', 'url', 'version', 'name', 'status', 'content', 'caseSensitive', 'hierarchyMeaning']);
  if (found.r.concept) cs.concept = stripConcepts(found.r.concept);
  byFile[found.file].push(cs);
}
write('valuesets.json', byFile['valuesets.json']);
if (byFile['v3-codesystems.json'].length) write('v3-codesystems.json', byFile['v3-codesystems.json']);
