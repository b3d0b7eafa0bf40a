// graphql-js side of bench/Graph.Bench. Reads the schema, data, query and variables written by the .NET
// benchmark, executes the same dashboard query, and prints ops/s (cached and cold) as JSON.
// Usage: node bench.mjs <data.json> <seconds>   (normally started by bench/Graph.Bench)
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate, execute, version } from 'graphql';

if (typeof globalThis.gc !== 'function') {
  // Re-run with a collectable heap so allocation per operation can be sampled.
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=128', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const [dataPath, secondsArg, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 3);
const input = JSON.parse(readFileSync(dataPath, 'utf8'));
const seconds = Number(secondsArg ?? 3);
const schema = buildSchema(input.sdl);
const { patients, practice } = input;
const page = (items, first) => items.slice(0, Math.min(first, items.length));
const set = (type, field, fn) => { schema.getType(type).getFields()[field].resolve = fn; };
set('Query', 'patient', (_, { id }) => patients[id] ?? null);
set('Query', 'practice', () => practice);
set('Patient', 'appointments', (p, { first }) => page(p.appointments, first));
set('Patient', 'messages', (p, { first }) => page(p.messages, first));
set('Patient', 'labResults', (p, { first }) => page(p.labResults, first));

const variableValues = input.variables;
const cachedDoc = parse(input.query);
if (validate(schema, cachedDoc).length) throw new Error('invalid query');

const cached = () => JSON.stringify(execute({ schema, document: cachedDoc, variableValues }));
let n = 0;
const cold = () => {
  const doc = parse(input.query + '\n# ' + n++);
  const errors = validate(schema, doc);
  if (errors.length) throw errors[0];
  return JSON.stringify(execute({ schema, document: doc, variableValues }));
};

function measure(op) {
  const warm = performance.now();
  while (performance.now() - warm < Math.min(1500, seconds * 500)) op();
  let best = { opsPerSec: 0, bytesPerOp: 0 };
  for (let r = 0; r < rounds; r++) {
    const m = measureOnce(op);
    if (m.opsPerCpuSecond > (best.opsPerCpuSecond ?? 0)) best = m;
  }
  return best;
}

function measureOnce(op) {
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let i = 0; i < 100; i++) op();
    ops += 100;
  }
  const opsPerSec = ops / ((performance.now() - start) / 1000);
  const cpu = process.cpuUsage(cpuStart);
  const opsPerCpuSecond = ops / ((cpu.user + cpu.system) / 1e6);
  const samples = [];
  for (let s = 0; s < 5; s++) {
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50; i++) op();
    samples.push((process.memoryUsage().heapUsed - before) / 50);
  }
  samples.sort((a, b) => a - b);
  return { opsPerCpuSecond, opsPerSec, bytesPerOp: samples[2] };
}

const response = cached();
const result = { version, node: process.versions.node, response, cached: measure(cached), cold: measure(cold) };
console.log(JSON.stringify(result));
