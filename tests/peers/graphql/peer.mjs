// Peer checks of our GraphQL engine (served by tests/Graph.Engine.PeerHost) against independent
// implementations: the graphql-http audit suite, graphql-js schema tooling, and a parity corpus
// executed by both engines over the same schema and data. Exits non-zero on any failure.
import { auditServer } from 'graphql-http';
import {
  buildSchema, buildClientSchema, assertValidSchema, printSchema, getIntrospectionQuery, parse, validate, specifiedRules, execute,
} from 'graphql';
import { loadPeerSchema } from './resolvers.mjs';
import { corpus } from './corpus.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:4010';
const url = `${base}/graphql`;
let failures = 0;
const fail = (msg) => { failures++; console.log(`  FAIL ${msg}`); };

// 1. graphql-http audit: every MUST and SHOULD audit must be ok.
{
  const results = await auditServer({ url });
  const counts = {};
  for (const r of results) {
    const level = r.name.split(' ')[0];
    counts[level] ??= { ok: 0, total: 0 };
    counts[level].total++;
    if (r.status === 'ok') counts[level].ok++;
    else if (level === 'MUST' || level === 'SHOULD') fail(`audit ${r.id} ${r.name}: ${r.status} ${r.reason}`);
    else console.log(`  note ${r.id} ${r.name}: ${r.status} ${r.reason}`);
  }
  const all = results.filter((r) => r.status === 'ok').length;
  console.log(`audit: ${all}/${results.length} ok; ` + Object.entries(counts).map(([k, v]) => `${k} ${v.ok}/${v.total}`).join(', '));
}

async function ours(query, variables, operationName, path = '/graphql') {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return res.json();
}

// 2. graphql-js accepts our introspection, and prints the same SDL as our printer.
{
  const intro = await ours(getIntrospectionQuery({ descriptions: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true, oneOf: true }));
  if (intro.errors) fail(`introspection errors: ${JSON.stringify(intro.errors)}`);
  const client = buildClientSchema(intro.data);
  try { assertValidSchema(client); } catch (e) { fail(`assertValidSchema: ${e.message}`); }
  const printed = printSchema(client);
  const ourSdl = await (await fetch(`${base}/sdl`)).text();
  if (printed !== ourSdl) {
    const a = printed.split('\n'); const b = ourSdl.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    fail(`printSchema differs from our printer at line ${i + 1}:\n    graphql-js: ${a[i]}\n    ours:       ${b[i]}`);
  } else console.log(`schema: buildClientSchema + assertValidSchema ok; printSchema identical (${printed.length} chars)`);
}

// 3. Parity corpus.
const { schema: mainSchema } = loadPeerSchema();
const miniSchema = buildSchema('type Query { a: Int }', {});
miniSchema.getQueryType().getFields().a.resolve = () => 1;
let schema = mainSchema;

function jsVerdict(query) {
  let doc;
  try { doc = parse(query); } catch { return { verdict: 'parse' }; }
  const errors = validate(schema, doc);
  if (errors.length === 0) return { verdict: 'valid', doc };
  const rules = new Set();
  for (const rule of specifiedRules) if (validate(schema, doc, [rule]).length > 0) rules.add(rule.name);
  return { verdict: 'invalid', rules: [...rules].sort() };
}

function ourVerdict(result) {
  const errors = result.errors ?? [];
  if ('data' in result) return { verdict: 'valid' };
  if (errors.some((e) => e.extensions?.code === 'GRAPHQL_PARSE_FAILED')) return { verdict: 'parse' };
  const rules = [...new Set(errors.map((e) => e.extensions?.rule).filter(Boolean))].sort();
  if (rules.length > 0) return { verdict: 'invalid', rules };
  return { verdict: 'request-error', codes: errors.map((e) => e.extensions?.code) };
}

const paths = (errors) => (errors ?? []).map((e) => JSON.stringify(e.path ?? null)).sort();
let agreed = 0;
const byVerdict = {};
for (const c of corpus) {
  schema = c.schema === 'mini' ? miniSchema : mainSchema;
  const js = jsVerdict(c.query);
  const our = await ours(c.query, c.variables, c.operationName, c.schema === 'mini' ? '/graphql-mini' : '/graphql');
  let ov = ourVerdict(our);
  let jv = js.verdict;
  let detail = '';
  if (jv === 'valid') {
    const r = await execute({ schema, document: js.doc, variableValues: c.variables, operationName: c.operationName });
    if (!('data' in r)) jv = 'request-error';
    if (jv === 'valid' && ov.verdict === 'valid') {
      const a = JSON.stringify(r.data); const b = JSON.stringify(our.data);
      if (a !== b) detail = `data differs:\n    graphql-js: ${a.slice(0, 400)}\n    ours:       ${b.slice(0, 400)}`;
      else if (JSON.stringify(paths(r.errors)) !== JSON.stringify(paths(our.errors)))
        detail = `error paths differ: graphql-js ${paths(r.errors)} ours ${paths(our.errors)}`;
    }
  }
  if (jv !== ov.verdict) detail ||= `verdict differs: graphql-js ${jv}${js.rules ? ' ' + js.rules : ''}; ours ${ov.verdict}${ov.rules ? ' ' + ov.rules : ''} ${JSON.stringify(our.errors?.map((e) => e.message) ?? [])}`;
  else if (jv === 'invalid' && JSON.stringify(js.rules) !== JSON.stringify(ov.rules))
    detail = `rules differ: graphql-js ${js.rules}; ours ${ov.rules}`;
  if (detail) fail(`[${c.name}] ${detail}`);
  else { agreed++; byVerdict[jv] = (byVerdict[jv] ?? 0) + 1; }
}
const rulesCovered = new Set(corpus.flatMap((c) => { schema = c.schema === 'mini' ? miniSchema : mainSchema; return jsVerdict(c.query).rules ?? []; }));
console.log(`parity: ${agreed}/${corpus.length} documents agree (${Object.entries(byVerdict).map(([k, v]) => `${k} ${v}`).join(', ')}); rules exercised: ${rulesCovered.size}`);
const missing = specifiedRules.map((r) => r.name).filter((n) => !rulesCovered.has(n) && !/DeferStream|StreamDirective/.test(n));
if (missing.length) fail(`rules never exercised by the corpus: ${missing.join(', ')}`);
console.log(failures === 0 ? 'graphql peer suite: OK' : `graphql peer suite: ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
