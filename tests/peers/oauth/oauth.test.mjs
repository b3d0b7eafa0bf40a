// The authorization server against independent clients: openid-client 6 (certified OpenID relying party)
// for Backend Services (private_key_jwt) and authorization code + PKCE, and fhirclient 2 (the SMART JS
// client) for a standalone launch. Logins are scripted against the Dutch HTML pages; SMS codes are read
// from the host's outbox folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as oidc from 'openid-client';

const require = createRequire(import.meta.url);
const smart = require('fhirclient/lib/entry/node');

const base = process.env.HOST_BASE;            // http://127.0.0.1:port
const fhirBase = `${base}/fhir`;
const issuer = new URL(`${base}/auth`);
const outbox = process.env.OUTBOX;
const password = 'Welkom2026';
const insecure = { execute: [oidc.allowInsecureRequests] };

function latestSmsCode(phone) {
  const files = readdirSync(outbox).filter((f) => f.includes(`-sms-${phone}-`)).sort();
  assert.ok(files.length > 0, `no SMS for ${phone}`);
  return /is (\d{6})\./.exec(readFileSync(join(outbox, files.at(-1)), 'utf8'))[1];
}

const hidden = (html, name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const form = (fields) => ({ method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

/** Plays the user: login page, e-mail + password, SMS code, consent for a patient. Returns the redirect URL. */
async function scriptedLogin(authorizeUrl, email, phone, patient) {
  const page = await (await fetch(authorizeUrl, { redirect: 'manual' })).text();
  const authorization = hidden(page, 'authorization');
  assert.ok(authorization, `no login form: ${page.slice(0, 300)}`);
  const codePage = await (await fetch(`${base}/auth/login`, form({ authorization, email, password }))).text();
  assert.match(codePage, /sms met een code van 6 cijfers/);
  const challenge = hidden(codePage, 'challenge');
  const consent = await (await fetch(`${base}/auth/login/code`, form({ challenge, code: latestSmsCode(phone) }))).text();
  assert.match(consent, /Toestemming/);
  const done = await fetch(`${base}/auth/consent`, form({ authorization: hidden(consent, 'authorization'), challenge: hidden(consent, 'challenge'), decision: 'allow', patient }));
  assert.equal(done.status, 302);
  return done.headers.get('location');
}

async function fhirGet(path, token) {
  return fetch(`${fhirBase}/${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } });
}

test('openid-client: client_credentials with private_key_jwt (RS384) reads FHIR', async () => {
  const jwk = JSON.parse(readFileSync(process.env.HIS_PRIVATE_JWK, 'utf8'));
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, false, ['sign']);
  const config = await oidc.discovery(issuer, 'his-peer', undefined, oidc.PrivateKeyJwt({ key, kid: jwk.kid }), insecure);
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'system/Patient.rs' });
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.scope, 'system/Patient.rs');
  assert.equal((await fhirGet('Patient/patient-willem-bos', tokens.access_token)).status, 200);
  assert.equal((await fhirGet('Observation/lab-pieter-hba1c-2', tokens.access_token)).status, 403);
  await assert.rejects(oidc.clientCredentialsGrant(config, { scope: 'system/Patient.cruds' }), (e) => e.error === 'invalid_scope');
});

test('openid-client: authorization code + PKCE S256 with a scripted Dutch login; patient A cannot read patient B', async () => {
  const config = await oidc.discovery(issuer, 'oidc-app', undefined, oidc.None(), insecure);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid fhirUser launch/patient offline_access patient/*.rs', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', aud: fhirBase,
  });
  const redirect = await scriptedLogin(url, 'pieter.vandenberg@example.nl', '06-10000003', 'patient-pieter-van-den-berg');
  const tokens = await oidc.authorizationCodeGrant(config, new URL(redirect), { pkceCodeVerifier: verifier, expectedState: state });
  assert.equal(tokens.patient, 'patient-pieter-van-den-berg');
  assert.equal(tokens.claims().fhirUser, 'Patient/patient-pieter-van-den-berg');
  assert.ok(tokens.refresh_token);
  assert.equal((await fhirGet('Patient/patient-pieter-van-den-berg', tokens.access_token)).status, 200);
  assert.equal((await fhirGet('Patient/patient-fatima-el-amrani', tokens.access_token)).status, 403);
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal((await fhirGet('Patient/patient-pieter-van-den-berg', refreshed.access_token)).status, 200);
  // The same code a second time is refused.
  await assert.rejects(oidc.authorizationCodeGrant(config, new URL(redirect), { pkceCodeVerifier: verifier, expectedState: state }), (e) => e.error === 'invalid_grant');
});

test('openid-client: a wrong PKCE verifier is refused', async () => {
  const config = await oidc.discovery(issuer, 'oidc-app', undefined, oidc.None(), insecure);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:9/callback', scope: 'launch/patient patient/*.rs', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', aud: fhirBase,
  });
  const redirect = await scriptedLogin(url, 'willem.bos@example.nl', '06-10000005', 'patient-willem-bos');
  await assert.rejects(oidc.authorizationCodeGrant(config, new URL(redirect), { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state }),
    (e) => e.error === 'invalid_grant');
});

test('fhirclient: standalone launch for a child under 12 by the parent, then reads the patient', async () => {
  const sessions = new Map();
  const storage = { get: async (k) => sessions.get(k), set: async (k, v) => { sessions.set(k, v); return v; }, unset: async (k) => sessions.delete(k) };
  let ready;
  const app = createServer((req, res) => {
    if (req.url.startsWith('/launch')) {
      smart(req, res, storage).authorize({ iss: fhirBase, clientId: 'fhirclient-app', scope: 'launch/patient openid fhirUser patient/*.rs', redirectUri: '/callback' })
        .catch((e) => { res.writeHead(500); res.end(String(e)); });
    } else if (req.url.startsWith('/callback')) {
      ready = smart(req, res, storage).ready();
      ready.then(() => { res.writeHead(200); res.end('ok'); }, (e) => { res.writeHead(500); res.end(String(e)); });
    } else {
      res.writeHead(404); res.end();
    }
  });
  await new Promise((r) => app.listen(Number(process.env.APP_PORT), '127.0.0.1', r));
  try {
    const appBase = `http://127.0.0.1:${process.env.APP_PORT}`;
    const launch = await fetch(`${appBase}/launch`, { redirect: 'manual' });
    assert.equal(launch.status, 302, await launch.text());
    const authorizeUrl = launch.headers.get('location');
    assert.ok(authorizeUrl.startsWith(`${base}/auth/authorize`), authorizeUrl);
    assert.match(authorizeUrl, /code_challenge_method=S256/);
    const redirect = await scriptedLogin(authorizeUrl, 'emma.dejong@example.nl', '06-10000001', 'patient-sophie-de-jong');
    const callback = await fetch(redirect);
    assert.equal(callback.status, 200, await callback.text());
    const client = await ready;
    assert.equal(client.patient.id, 'patient-sophie-de-jong');
    const patient = await client.patient.read();
    assert.equal(patient.name[0].given[0], 'Sophie');
    assert.equal(client.getFhirUser(), 'Patient/patient-emma-de-jong');
    await assert.rejects(client.request('Patient/patient-daan-de-jong'), /403|Forbidden|access/i);
  } finally {
    app.close();
  }
});
