// Generates the HIS client's RS384 key pair: the private JWK for the test, the public JWKS to register.
import { writeFileSync } from 'node:fs';

const [privatePath, jwksPath] = process.argv.slice(2);
const { privateKey, publicKey } = await crypto.subtle.generateKey(
  { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' },
  true, ['sign', 'verify']);
const kid = 'his-peer-1';
writeFileSync(privatePath, JSON.stringify({ ...(await crypto.subtle.exportKey('jwk', privateKey)), kid }));
const pub = await crypto.subtle.exportKey('jwk', publicKey);
writeFileSync(jwksPath, JSON.stringify({ keys: [{ kty: pub.kty, n: pub.n, e: pub.e, alg: 'RS384', use: 'sig', kid }] }));
