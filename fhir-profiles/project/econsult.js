// Generates econsult-communication.json: the e-consult profile on Communication, with the snapshot the
// server's validator needs (it loads snapshots only). Run from this folder: node econsult.js
const fs = require('fs');
const path = require('path');

const base = 'https://fhir.huisartsportaal.nl/';
const bundle = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'r4', 'profiles-resources.json'), 'utf8'));
const communication = bundle.entry.map(e => e.resource).find(r => r.resourceType === 'StructureDefinition' && r.id === 'Communication');
const elements = JSON.parse(JSON.stringify(communication.snapshot.element));
const byId = id => {
  const e = elements.find(x => x.id === id);
  if (!e) throw new Error('no element ' + id);
  return e;
};
const references = (id, ...types) => {
  byId(id).type = [{ code: 'Reference', targetProfile: types.map(t => 'http://hl7.org/fhir/StructureDefinition/' + t) }];
};

byId('Communication.category').min = 1;
byId('Communication.status').min = 1;
byId('Communication.subject').min = 1;
references('Communication.subject', 'Patient');
byId('Communication.sent').min = 1;
byId('Communication.sender').min = 1;
references('Communication.sender', 'Patient', 'RelatedPerson', 'Practitioner', 'PractitionerRole', 'Organization');
byId('Communication.recipient').min = 1;
references('Communication.recipient', 'Patient', 'RelatedPerson', 'Practitioner', 'PractitionerRole', 'Organization');
references('Communication.inResponseTo', 'Communication');
byId('Communication.payload').min = 1;
const content = byId('Communication.payload.content[x]');
content.type = content.type.filter(t => t.code === 'string' || t.code === 'Attachment');

const profile = {
  resourceType: 'StructureDefinition',
  id: 'econsult-communication',
  url: base + 'StructureDefinition/econsult-communication',
  version: '1.0.0',
  name: 'EConsultCommunication',
  title: 'E-consult bericht',
  status: 'active',
  description: 'One message of an e-consult thread between a patient and the practice. Category e-consult plus medisch or overig; replies point to the message they answer with inResponseTo; the practice closes the conversation for the patient with the extension ' + base + 'StructureDefinition/econsult-closed-for-patient.',
  fhirVersion: '4.0.1',
  kind: 'resource',
  abstract: false,
  type: 'Communication',
  baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Communication',
  derivation: 'constraint',
  snapshot: { element: elements },
};
fs.writeFileSync(path.join(__dirname, 'econsult-communication.json'), JSON.stringify(profile, null, 1) + '\n');
