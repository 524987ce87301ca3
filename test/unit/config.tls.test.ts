/**
 * TLS configuration (no database, no server): TLS_CERT + TLS_KEY, optionally
 * TLS_CLIENT_CA, or none of them. Anything half-set, unreadable or mismatched
 * stops the start with a message naming the key, never falls back to plain HTTP.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { LocalCa, pkiDir, type Issued } from '../support/pki';

const pki = pkiDir();
let ca: LocalCa;
let server: Issued;
let other: Issued;
let notPem: string;
beforeAll(() => {
  ca = LocalCa.create(pki.dir, 'ca');
  server = ca.issueServer('server');
  other = ca.issueClient('other', '12345678');
  notPem = path.join(pki.dir, 'not-pem.txt');
  writeFileSync(notPem, 'hello\n');
});
afterAll(() => pki.remove());

it('is plain HTTP when none of the three is set (or all are empty)', () => {
  expect(loadConfig({}).tls).toBeUndefined();
  expect(loadConfig({ TLS_CERT: '', TLS_KEY: '', TLS_CLIENT_CA: '' }).tls).toBeUndefined();
});

it('is HTTPS with TLS_CERT and TLS_KEY, mutual with TLS_CLIENT_CA too; the PEM text is read once, frozen', () => {
  const https = loadConfig({ TLS_CERT: server.certPath, TLS_KEY: server.keyPath }).tls;
  expect(https).toEqual({ cert: server.cert, key: server.key, clientCa: undefined });
  const mutual = loadConfig({ TLS_CERT: server.certPath, TLS_KEY: server.keyPath, TLS_CLIENT_CA: ca.certPath }).tls;
  expect(mutual).toEqual({ cert: server.cert, key: server.key, clientCa: ca.cert });
  expect(Object.isFrozen(mutual)).toBe(true);
});

describe('is refused with a message naming the key', () => {
  it.each<[string, () => Record<string, string>, RegExp]>([
    ['a certificate without its key', () => ({ TLS_CERT: server.certPath }), /^TLS_KEY must be set when TLS_CERT is/],
    ['a key without its certificate', () => ({ TLS_KEY: server.keyPath }), /^TLS_CERT must be set when TLS_KEY is/],
    ['a client CA alone', () => ({ TLS_CLIENT_CA: ca.certPath }), /^TLS_CLIENT_CA needs TLS_CERT and TLS_KEY/],
    ['a client CA with a certificate but no key', () => ({ TLS_CLIENT_CA: ca.certPath, TLS_CERT: server.certPath }), /^TLS_KEY must be set/],
    ['a client CA with a key but no certificate', () => ({ TLS_CLIENT_CA: ca.certPath, TLS_KEY: server.keyPath }), /^TLS_CERT must be set/],
    ['a missing certificate file', () => ({ TLS_CERT: path.join(pki.dir, 'nope.crt'), TLS_KEY: server.keyPath }), /^TLS_CERT must name a readable PEM file; ".*nope\.crt": ENOENT/],
    ['a directory as the key', () => ({ TLS_CERT: server.certPath, TLS_KEY: pki.dir }), /^TLS_KEY must name a readable PEM file; .*EISDIR/],
    ['a missing client CA file', () => ({ TLS_CERT: server.certPath, TLS_KEY: server.keyPath, TLS_CLIENT_CA: '/nonexistent/ca.crt' }), /^TLS_CLIENT_CA must name a readable PEM file/],
    ['a key file that is not PEM', () => ({ TLS_CERT: server.certPath, TLS_KEY: notPem }), /^TLS_KEY \(".*not-pem\.txt"\) is not a PEM file/],
    ['a key where the certificate belongs', () => ({ TLS_CERT: server.keyPath, TLS_KEY: server.keyPath }), /^TLS_CERT holds no readable PEM certificate/],
    ['a certificate where the key belongs', () => ({ TLS_CERT: server.certPath, TLS_KEY: server.certPath }), /^TLS_KEY holds no readable unencrypted PEM private key/],
    ['the key of another certificate', () => ({ TLS_CERT: server.certPath, TLS_KEY: other.keyPath }), /^TLS_KEY is not the private key of the certificate in TLS_CERT/],
    ['a participant certificate as the client CA', () => ({ TLS_CERT: server.certPath, TLS_KEY: server.keyPath, TLS_CLIENT_CA: other.certPath }), /^TLS_CLIENT_CA must be a CA certificate/],
  ])('%s', (_case, env, message) => {
    expect(() => loadConfig(env())).toThrow(ConfigError);
    expect(() => loadConfig(env())).toThrow(message);
  });
});
