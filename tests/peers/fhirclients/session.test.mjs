// A scripted session of two FHIR clients written by others against a live Portal.Host.
// If they disagree with us, we are probably wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'fhir-kit-client';
import smart from 'fhirclient';

const baseUrl = process.env.FHIR_BASE ?? 'http://127.0.0.1:5190/fhir';
const token = process.env.FHIR_TOKEN;
const kit = new Client({ baseUrl, ...(token ? { bearerToken: token } : {}) });
const family = `Peer${randomUUID().slice(0, 8)}`;
const authHeaders = token ? { Authorization: `Bearer ${token}` } : {};

test('fhir-kit-client: capability statement is R4', async () => {
  const cs = await kit.capabilityStatement();
  assert.equal(cs.resourceType, 'CapabilityStatement');
  assert.equal(cs.fhirVersion, '4.0.1');
});

test('fhir-kit-client: create, read, update, vread, history', async () => {
  const created = await kit.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family, given: ['Eerste'] }], gender: 'female' } });
  assert.equal(created.meta.versionId, '1');
  const read = await kit.read({ resourceType: 'Patient', id: created.id });
  assert.deepEqual(read.name, created.name);
  const updated = await kit.update({ resourceType: 'Patient', id: created.id, body: { ...read, gender: 'other' } });
  assert.equal(updated.meta.versionId, '2');
  const v1 = await kit.vread({ resourceType: 'Patient', id: created.id, version: '1' });
  assert.equal(v1.gender, 'female');
  const history = await kit.history({ resourceType: 'Patient', id: created.id });
  assert.equal(history.type, 'history');
  assert.equal(history.entry.length, 2);
});

test('fhir-kit-client: conditional create does not duplicate', async () => {
  const identifier = `urn:peer|${randomUUID()}`;
  const body = { resourceType: 'Patient', identifier: [{ system: 'urn:peer', value: identifier.split('|')[1] }], name: [{ family }] };
  const options = { headers: { 'If-None-Exist': `identifier=${identifier}` } };
  const first = await kit.create({ resourceType: 'Patient', body, options });
  const second = await kit.create({ resourceType: 'Patient', body, options });
  assert.equal(second.id, first.id);
  const found = await kit.search({ resourceType: 'Patient', searchParams: { identifier } });
  assert.equal(found.entry.length, 1);
});

test('fhir-kit-client: search pages through all results', async () => {
  for (let i = 0; i < 7; i++) {
    await kit.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family, given: [`Kind${i}`] }] } });
  }
  let bundle = await kit.search({ resourceType: 'Patient', searchParams: { family, _count: 3 } });
  const seen = [];
  let pages = 0;
  while (bundle) {
    pages++;
    for (const e of bundle.entry ?? []) seen.push(e.resource.id);
    bundle = await kit.nextPage({ bundle });
    if (pages > 10) break;
  }
  assert.ok(seen.length >= 7, `saw ${seen.length}`);
  assert.equal(new Set(seen).size, seen.length, 'no resource twice');
  assert.ok(pages >= 3);
});

test('fhir-kit-client: transaction with urn:uuid references, then _include', async () => {
  const patientUrl = `urn:uuid:${randomUUID()}`;
  const response = await kit.transaction({
    body: {
      resourceType: 'Bundle', type: 'transaction', entry: [
        { fullUrl: patientUrl, resource: { resourceType: 'Patient', name: [{ family }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'Glucose' }, subject: { reference: patientUrl }, valueQuantity: { value: 5.4, unit: 'mmol/L' } }, request: { method: 'POST', url: 'Observation' } },
      ],
    },
  });
  assert.equal(response.type, 'transaction-response');
  const patientId = response.entry[0].response.location.split('/').at(-3);
  const search = await kit.search({ resourceType: 'Observation', searchParams: { subject: `Patient/${patientId}`, _include: 'Observation:subject' } });
  const types = search.entry.map(e => `${e.resource.resourceType}:${e.search?.mode}`).sort();
  assert.deepEqual(types, ['Observation:match', 'Patient:include']);
  assert.equal(search.entry.find(e => e.resource.resourceType === 'Observation').resource.valueQuantity.value, 5.4);
});

test('fhirclient: create, request with pages, and references', async () => {
  const client = new smart.FhirClient(baseUrl);
  const options = { headers: authHeaders };
  const gp = await client.create({ resourceType: 'Practitioner', name: [{ family: 'Huisarts' }] }, options);
  const patient = await client.create({ resourceType: 'Patient', name: [{ family }], generalPractitioner: [{ reference: `Practitioner/${gp.id}` }] }, options);
  await client.resolveReferences(patient, ['generalPractitioner.0'], options);
  assert.equal(patient.generalPractitioner[0].resourceType, 'Practitioner');
  assert.equal(patient.generalPractitioner[0].id, gp.id);
  const all = [];
  for await (const page of client.pages(`Patient?family=${family}&_count=4`, options)) {
    for (const e of page.entry ?? []) all.push(e.resource.id);
  }
  assert.ok(all.includes(patient.id));
  assert.equal(new Set(all).size, all.length);
});
