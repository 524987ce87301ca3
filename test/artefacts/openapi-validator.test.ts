/**
 * The served /openapi.json is a valid OpenAPI 3.1 document by an independent
 * validator (@seriousme/openapi-schema-validator: the OpenAPI Initiative's JSON
 * Schema for 3.1, then every $ref resolved), not only by our own ajv checks.
 * The validator is ESM-only and jest runs CommonJS, so it runs in a child
 * process (support/validate-openapi.mjs).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';

const VALIDATOR = path.join(__dirname, '..', 'support', 'validate-openapi.mjs');

// A parsed JSON document, edited freely by the cases below.
type Doc = Record<string, any>;

interface ValidationResult {
  valid: boolean;
  errors: unknown;
}

function validate(document: unknown): ValidationResult {
  return JSON.parse(execFileSync(process.execPath, [VALIDATOR], { input: JSON.stringify(document), encoding: 'utf8' }));
}

let server: TestServer;
let served: Doc;
beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/openapi.json`);
  expect(res.status).toBe(200);
  served = await res.json();
});
afterAll(() => server.stop());

it('validates the served document without a single error', () => {
  // The errors in the failure message say what to fix.
  expect(validate(served)).toEqual({ valid: true, errors: [] });
});

// The same check on broken copies, so a validator that passes everything cannot go unnoticed.
it.each([
  ['a response without its required description', (doc: Doc) => delete doc.paths['/health'].get.responses['200'].description],
  ['a parameter with neither schema nor content', (doc: Doc) => delete doc.paths['/api/pix/{ispb}/stream/start'].get.parameters[0].schema],
  ['a $ref to a schema that does not exist', (doc: Doc) => (doc.paths['/health'].get.responses['200'].content['application/json'].schema.$ref = '#/components/schemas/Missing')],
  ['a path parameter that is not required', (doc: Doc) => (doc.paths['/api/util/jobs/{id}'].get.parameters[0].required = false)],
])('rejects a document with %s', (_what, breakIt) => {
  const broken = structuredClone(served);
  breakIt(broken);
  const result = validate(broken);
  expect(result.valid).toBe(false);
  expect(result.errors).not.toEqual([]);
});
