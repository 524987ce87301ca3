/** Pieces the OpenAPI document's paths share (document.ts, spi-paths.ts). */
export const catalog = { 'application/xml': { schema: { type: 'string', description: '<Catalog><Message>pacs.008.spi.1.16</Message>…</Catalog>' } } } as const;
export const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
export const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } };
export const pullNext = {
  'Pull-Next': {
    description: 'The URI to request next; requesting it acknowledges this batch',
    required: true,
    schema: { type: 'string', pattern: '^/api/pix/[0-9]{8}/stream/[0-9a-f-]{36}$' },
  },
};
export const unavailable = { headers: retryAfter, ...problem('The database is unreachable') };
export const badRequest = problem('Malformed ISPB, count or id');
/** HEAD on a path whose GET opens, claims or acknowledges: refused, so a probe never takes messages. */
export const headRefused = {
  summary: 'Refused: a GET here has side effects, so HEAD is not run as GET',
  responses: { '405': { headers: { Allow: { required: true, schema: { type: 'string' } } }, description: 'Method not allowed (no body, as for any HEAD)' } },
};
/** A participant's ISPB in a path: the ICOM face's and the SPI's, 8 characters of 0-9 and A-Z. */
export const participantIspb = { name: 'ispb', in: 'path', required: true, description: 'The participant, 8 characters of 0-9 and A-Z', schema: { type: 'string', pattern: '^[0-9A-Z]{8}$' } } as const;
