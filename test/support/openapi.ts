/**
 * Validates real responses against the served OpenAPI document: the status is
 * documented for that operation, the content type is one it lists, and the body
 * matches its schema. collector.get() runs it on every response it sees, so the
 * whole suite checks the document as a side effect.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/openapi/document';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }>; headers?: Record<string, { required?: boolean }> }> };

const DOC_ID = 'https://pix-stream.local/openapi.json';
// valor is checked with multipleOf 0.01, which needs a tolerance for binary floating point.
const ajv = new Ajv2020({ strict: false, allErrors: true, multipleOfPrecision: 6 });
addFormats(ajv);
ajv.addSchema({ $id: DOC_ID, components: openApiDocument.components });
const withAbsoluteRefs = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`));

const templates = Object.keys(openApiDocument.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The documented path template a concrete path falls under (static paths win over templated ones). */
export function templateFor(path: string): string | undefined {
  const matches = templates.filter(({ pattern }) => pattern.test(path)).map(({ template }) => template);
  return matches.sort((a, b) => a.split('{').length - b.split('{').length)[0];
}

export interface ObservedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  headers: Record<string, string | null>;
  body: unknown;
}

/** Returns the problems found; empty when the response matches the document. */
export function checkAgainstDocument(response: ObservedResponse): string[] {
  const where = `${response.method} ${response.path} → ${response.status}`;
  const template = templateFor(response.path.split('?')[0]);
  if (!template) return [`${where}: path not in the document`];
  const operations = (openApiDocument.paths as Record<string, Record<string, Operation>>)[template];
  const operation = operations[response.method.toLowerCase()];
  if (!operation) return wrongMethodProblems(where, operations, response);
  const documented = operation.responses[String(response.status)];
  if (!documented) return [`${where}: status not documented (has ${Object.keys(operation.responses).join(', ')})`];
  const problems: string[] = [];
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if (header.required && !response.headers[name.toLowerCase()]) problems.push(`${where}: missing header ${name}`);
  }
  if (!documented.content) return problems;
  const mediaType = response.contentType?.split(';')[0].trim() ?? '';
  const media = documented.content[mediaType];
  if (!media) return [...problems, `${where}: content type ${mediaType} not documented`];
  const validate = ajv.compile(withAbsoluteRefs(media.schema));
  if (!validate(response.body)) problems.push(`${where}: body does not match: ${ajv.errorsText(validate.errors)}`);
  return problems;
}

const validateProblem = ajv.compile({ $ref: `${DOC_ID}#/components/schemas/Problem` });

/**
 * A method the document does not describe must get 405 problem+json naming in
 * Allow the described ones that answer (not a HEAD documented only as refused),
 * and OPTIONS.
 */
function wrongMethodProblems(where: string, operations: Record<string, { responses: object }>, response: ObservedResponse): string[] {
  if (response.status !== 405) return [`${where}: method not documented, so 405 was expected`];
  const answering = Object.entries(operations).filter(([, operation]) => Object.keys(operation.responses).join() !== '405');
  // A GET whose HEAD is not documented otherwise also answers HEAD.
  const implicitHead = 'get' in operations && !('head' in operations) ? ['HEAD'] : [];
  const allowed = [...answering.map(([method]) => method.toUpperCase()), ...implicitHead, 'OPTIONS'].sort().join(', ');
  const problems: string[] = [];
  if (response.headers.allow?.split(', ').sort().join(', ') !== allowed) problems.push(`${where}: Allow is "${response.headers.allow}", expected ${allowed}`);
  // Each face answers in its own error format: problem+xml under /api/v1 (the ICOM face), problem+json elsewhere.
  const icom = response.path.startsWith('/api/v1/');
  if (!response.contentType?.startsWith(icom ? 'application/problem+xml' : 'application/problem+json')) problems.push(`${where}: not the face's problem format`);
  if (!icom && !validateProblem(response.body)) problems.push(`${where}: not a problem body`);
  return problems;
}

export interface DocumentedReply {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * A JSON request by fetch whose answer must match the document (else it
 * throws, naming what does not): for tests of the JSON routes.
 */
export async function documentedFetch(baseUrl: string, method: string, path: string, body?: unknown): Promise<DocumentedReply> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text === '' ? undefined : JSON.parse(text);
  const headers = Object.fromEntries([...res.headers.entries()]);
  const problems = checkAgainstDocument({ method, path, status: res.status, contentType: res.headers.get('content-type'), headers, body: parsed });
  if (problems.length > 0) throw new Error(`response does not match the OpenAPI document:\n${problems.join('\n')}`);
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Errors of `value` against the document's component schema `name` (none: it conforms). */
export function schemaCheck(name: string, value: unknown): string[] {
  const validate = ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name} in the OpenAPI document`);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
