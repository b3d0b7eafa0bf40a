// Our .ics files parsed by ical.js (https://github.com/kewisch/ical.js), an RFC 5545 implementation
// that knows nothing of our server: what it reads must be exactly what the appointment says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';

const base = process.env.HOST_BASE;
const preparation = 'Druppel beide oren drie dagen vóór de afspraak twee keer per dag met slaolie of oordruppels van de drogist, zodat het oorsmeer zacht wordt.';

async function token() {
  const response = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from('ical-peer:ical-peer-secret-0123456789').toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=system%2F*.cruds',
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).access_token;
}

const auth = { authorization: `Bearer ${await token()}` };

async function fhir(path, init = {}) {
  const response = await fetch(`${base}/fhir/${path}`, { ...init, headers: { ...auth, 'content-type': 'application/fhir+json', ...(init.headers ?? {}) } });
  const body = await response.json();
  assert.ok(response.ok, `${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function book(schedule, actor, visitType) {
  const slots = await fhir(`Slot?schedule=Schedule/${schedule}&status=free&_count=1`);
  const slot = slots.entry[0].resource;
  return fhir('Appointment', {
    method: 'POST',
    body: JSON.stringify({
      resourceType: 'Appointment',
      status: 'booked',
      serviceType: visitType ? [{ coding: [{ system: 'https://fhir.huisartsportaal.nl/CodeSystem/bezoeksoort', code: visitType }] }] : undefined,
      start: slot.start,
      end: slot.end,
      slot: [{ reference: `Slot/${slot.id}` }],
      participant: [
        { actor: { reference: 'Patient/patient-emma-de-jong' }, status: 'accepted' },
        { actor: { reference: actor }, status: 'accepted' },
      ],
    }),
  });
}

async function ics(id) {
  const response = await fetch(`${base}/portal/afspraken/${id}/agenda.ics`, { headers: auth });
  assert.equal(response.status, 200, await response.clone().text());
  assert.match(response.headers.get('content-type'), /^text\/calendar/);
  return response.text();
}

function event(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  assert.equal(calendar.name, 'vcalendar');
  assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
  assert.ok(calendar.getFirstPropertyValue('prodid'));
  const events = calendar.getAllSubcomponents('vevent');
  assert.equal(events.length, 1);
  return new ICAL.Event(events[0]);
}

function lines(text) {
  assert.ok(text.endsWith('\r\n'), 'the file ends with CRLF');
  assert.ok(!/[^\r]\n/.test(text), 'every line ends with CRLF, never a bare LF');
  for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `line longer than 75 octets: ${line}`);
}

test('an assistant visit with preparation advice: times, UID, escaped and folded text', async () => {
  const appointment = await book('agenda-groep-de-assistentes', 'PractitionerRole/groep-de-assistentes', 'oren-uitspuiten');
  const text = await ics(appointment.id);
  lines(text);
  assert.match(text, /\r\n [^\r\n]/, 'the long description is folded');
  const e = event(text);
  assert.equal(e.uid, `${appointment.id}@afspraken.huisartsportaal.nl`);
  assert.equal(e.startDate.toJSDate().toISOString(), new Date(appointment.start).toISOString());
  assert.equal(e.endDate.toJSDate().toISOString(), new Date(appointment.end).toISOString());
  assert.equal(e.startDate.zone.tzid, 'UTC');
  assert.equal(e.summary, 'Oren uitspuiten bij De assistentes');
  assert.equal(e.location, 'Huisartsenpraktijk De Linde, Lindelaan 12, 3521 AB Utrecht');
  assert.equal(e.description, `Voorbereiding: ${preparation}\nVerhinderd? Annuleer uiterlijk 24 uur van tevoren in het patiëntenportaal of bel 030-1234567.`);
  assert.equal(e.component.getFirstPropertyValue('status'), 'CONFIRMED');
  assert.equal(e.sequence, 0);
  assert.ok(e.component.getFirstPropertyValue('dtstamp'), 'DTSTAMP is required');
});

test('a cancelled appointment: same UID, higher SEQUENCE, STATUS:CANCELLED', async () => {
  const appointment = await book('agenda-huisarts-jansen', 'Practitioner/huisarts-jansen', null);
  const first = event(await ics(appointment.id));
  assert.equal(first.summary, 'Afspraak bij Bram Jansen');
  await fhir(`Appointment/${appointment.id}`, { method: 'PUT', body: JSON.stringify({ ...appointment, status: 'cancelled' }) });
  const text = await ics(appointment.id);
  lines(text);
  const cancelled = event(text);
  assert.equal(cancelled.uid, first.uid);
  assert.ok(cancelled.sequence > first.sequence);
  assert.equal(cancelled.component.getFirstPropertyValue('status'), 'CANCELLED');
});
