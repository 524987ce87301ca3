/**
 * The OpenAPI 3.1 description of every route, served at /openapi.json.
 * Any other method on a described path answers 405 problem+json with Allow,
 * and OPTIONS answers 204 with Allow (OpenAPI has no place for responses of
 * undescribed methods). HEAD runs as GET, except where a GET has side effects.
 * test/artefacts/openapi.test.ts checks it against the routes the app registers and
 * validates the suite's responses against it.
 */
import { schemas } from './schemas.js';

import { badRequest, catalog, headRefused, json, participantIspb, problem, pullNext, retryAfter, unavailable } from './parts.js';
import { spiPaths, spiSchemas } from './spi-paths.js';
import { virtualPaths, virtualSchemas } from './virtual-paths.js';
import { faultPaths, faultSchemas } from './fault-paths.js';
import { rehearsalPaths, rehearsalSchemas } from './rehearsal-paths.js';

const ispb = { name: 'ispb', in: 'path', required: true, description: 'Receiving ISPB, 8 digits', schema: { type: 'string', pattern: '^[0-9]{8}$' } };
const iterationId = { name: 'iterationId', in: 'path', required: true, description: 'Last segment of a Pull-Next URI', schema: { type: 'string', format: 'uuid' } };
const accept = {
  name: 'Accept',
  in: 'header',
  description: 'Naming multipart/json asks for up to 10 messages per answer; anything else gets one',
  schema: { type: 'string' },
};

// The ICOM face (the Central Bank's interface).
const participant = participantIspb;
const problemXml = (description: string) => ({
  description,
  content: { 'application/problem+xml': { schema: { type: 'string', description: 'RFC 7807 problem in XML (namespace urn:ietf:rfc:7807)' } } },
});
const piPullNext = {
  'PI-Pull-Next': {
    description: 'The URI to request next; requesting it acknowledges this batch',
    required: true,
    schema: { type: 'string', pattern: '^/api/v1/out/[0-9A-Z]{8}/stream/[0-9a-f-]{36}$' },
  },
};
const icomAccept = {
  name: 'Accept',
  in: 'header',
  description: 'absent, application/xml or */*: one message; multipart/mixed: up to 10; anything else: 406',
  schema: { type: 'string' },
};
const icomDelivered = {
  description:
    'One pacs.008 as application/xml (with a PI-ResourceId header), or up to 10 as multipart/mixed parts, each with Content-Type: application/xml and PI-ResourceId; gzip-compressed when Accept-Encoding allows and the body exceeds 1 KiB',
  headers: {
    ...piPullNext,
    'PI-ResourceId': { description: 'On a single message: its id, the same on every delivery of it', schema: { type: 'string', pattern: '^[A-Za-z0-9+/]{32}$' } },
  },
  content: {
    'application/xml': { schema: { type: 'string', description: 'ISO 20022 pacs.008 in the SPI envelope (AppHdr + Document)' } },
    'multipart/mixed': { schema: { type: 'string', description: 'RFC 2046 multipart of application/xml parts' } },
  },
};
const icomUnavailable = { headers: retryAfter, ...problemXml('The database is unreachable') };
/** Every ICOM operation a participant can be charged for (HEAD and OPTIONS are free: see src/http/icom/traffic-limit.ts). */
const TRAFFIC_LIMIT =
  'The participant is over its traffic limit: a token bucket per participant shared by every API process, ICOM_BUCKET_CAPACITY requests in a burst (default 3,750) refilled at ICOM_BUCKET_REFILL_PER_S (default 750/s), one token per request';
const icomTrafficLimited = { headers: retryAfter, ...problemXml(TRAFFIC_LIMIT) };
/** Mutual TLS (TLS_CLIENT_CA set): every ICOM operation on a participant's path checks the client certificate's CN. */
const participantForbidden = problemXml('Mutual TLS: the client certificate’s subject CN is not this path’s ISPB (nothing is read or written)');

const delivered = {
  description: 'Messages: one as application/json, or up to 10 as a JSON array with Content-Type multipart/json',
  headers: pullNext,
  content: {
    'application/json': { schema: { $ref: '#/components/schemas/Message' } },
    'multipart/json': { schema: { $ref: '#/components/schemas/MessageBatch' } },
  },
};
const empty = { description: 'Nothing arrived within the long poll', headers: pullNext };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'pix-stream',
    version: '0.1.0',
    description: 'PIX messages streamed to the receiving bank’s collectors: long poll, Pull-Next URIs, implicit acknowledgement.',
  },
  // Nothing (plain HTTP, or TLS without TLS_CLIENT_CA) or a client certificate, as the deployment is configured.
  security: [{}, { clientCertificate: [] }],
  paths: {
    '/api/util/msgs/{ispb}/{number}': {
      post: {
        summary: 'Generate random messages for a receiving ISPB',
        parameters: [ispb, { name: 'number', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: 10_000_000 } }],
        responses: {
          '201': { description: 'Generated (number ≤ GENERATE_SYNC_MAX)', content: json('Generated') },
          '202': {
            description: 'Queued as a background job (number > GENERATE_SYNC_MAX)',
            headers: { Location: { required: true, schema: { type: 'string' } } },
            content: json('GenerationAccepted'),
          },
          '400': badRequest,
          '503': unavailable,
        },
      },
    },
    '/api/util/jobs/{id}': {
      get: {
        summary: 'State and progress of a generation job',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { '200': { description: 'The job', content: json('GenerationJob') }, '400': badRequest, '404': problem('No such job'), '503': unavailable },
      },
    },
    '/api/util/ispbs/{ispb}': {
      get: {
        summary: 'Where an ISPB stands: pending, in-flight and acknowledged messages, and its open streams against the limit (read-only)',
        parameters: [ispb],
        responses: { '200': { description: 'The ISPB', content: json('IspbState') }, '400': badRequest, '503': unavailable },
      },
    },
    '/api/util/dashboard': {
      get: {
        summary: 'What the dashboard page shows: per ISPB pending, in-flight and acknowledged messages, open streams against the limit, deliveries and latency per 5 s over 5 minutes; generation jobs; the SPI’s balances and last minute of settlement per participant (read-only, at most 1 s old)',
        parameters: [
          {
            name: 'ispb',
            in: 'query',
            required: false,
            description: 'Comma-separated ISPBs (up to 20) to show whatever their activity; the busiest others follow',
            schema: { type: 'string', pattern: '^[0-9]{8}(,[0-9]{8})*$' },
          },
        ],
        responses: { '200': { description: 'The dashboard', content: json('Dashboard') }, '400': problem('Malformed ispb list'), '503': unavailable },
      },
    },
    '/api/pix/{ispb}/stream/start': {
      head: headRefused,
      get: {
        summary: 'Open a stream and long-poll its first batch',
        parameters: [ispb, accept],
        responses: {
          '200': delivered,
          '204': empty,
          '400': badRequest,
          '410': problem('The new stream was closed (a /stream/stop) before its first answer; start again'),
          '429': { headers: retryAfter, ...problem('The ISPB already has MAX_COLLECTORS_PER_ISPB open streams') },
          '503': unavailable,
        },
      },
    },
    '/api/pix/{ispb}/stream/stop': {
      head: headRefused,
      get: {
        summary: 'Close every open stream of the ISPB (their unacknowledged messages become pending)',
        parameters: [ispb],
        responses: { '200': { description: 'Closed', content: json('Stopped') }, '400': badRequest, '503': unavailable },
      },
      delete: {
        summary: 'Same as GET',
        parameters: [ispb],
        responses: { '200': { description: 'Closed', content: json('Stopped') }, '400': badRequest, '503': unavailable },
      },
    },
    '/api/pix/{ispb}/stream/{iterationId}': {
      head: headRefused,
      get: {
        summary: 'Acknowledge the previous batch and long-poll the next; repeating a URI replays its batch',
        parameters: [ispb, iterationId, accept],
        responses: {
          '200': delivered,
          '204': empty,
          '400': badRequest,
          '404': problem('Unknown iteration, or one of another ISPB'),
          '410': problem('The stream is closed or expired, or this URI’s next batch was already acknowledged'),
          '503': unavailable,
        },
      },
      delete: {
        summary: 'Acknowledge this URI’s batch and close the stream',
        parameters: [ispb, iterationId],
        responses: {
          '200': { description: 'Closed', content: json('Closed') },
          '400': badRequest,
          '404': problem('Unknown iteration, or one of another ISPB'),
          '410': problem('Already closed or expired'),
          '503': unavailable,
        },
      },
    },
    '/api/v1/out/{ispb}/stream/start': {
      head: headRefused,
      get: {
        summary: 'ICOM: open a stream and long-poll its first batch',
        parameters: [participant, icomAccept],
        responses: {
          '200': icomDelivered,
          '204': { description: 'Nothing arrived within the long poll', headers: piPullNext },
          '400': problemXml('Malformed ISPB'),
          '403': participantForbidden,
          '406': problemXml('Accept names neither application/xml nor multipart/mixed'),
          '410': problemXml('The new stream was closed (a stop of the participant’s streams) before its first answer; start again'),
          '429': { headers: retryAfter, ...problemXml(`The participant already has MAX_COLLECTORS_PER_ISPB open streams (both faces count); or: ${TRAFFIC_LIMIT}`) },
          '503': icomUnavailable,
        },
      },
    },
    '/api/v1/out/{ispb}/stream/{iterationId}': {
      head: headRefused,
      get: {
        summary: 'ICOM: acknowledge the previous batch and long-poll the next; repeating a URI replays its batch with the same PI-ResourceIds',
        parameters: [participant, iterationId, icomAccept],
        responses: {
          '200': icomDelivered,
          '204': { description: 'Nothing arrived within the long poll', headers: piPullNext },
          '400': problemXml('Malformed ISPB or iteration id'),
          '403': participantForbidden,
          '404': problemXml('Unknown iteration, another participant’s, or one of a challenge-face stream'),
          '406': problemXml('Accept names neither application/xml nor multipart/mixed'),
          '410': problemXml('The stream is closed or expired, or this URI’s next batch was already acknowledged'),
          '429': icomTrafficLimited,
          '503': icomUnavailable,
        },
      },
      delete: {
        summary: 'ICOM: acknowledge this URI’s batch and close the stream (clients treat 200 and 410 alike)',
        parameters: [participant, iterationId],
        responses: {
          '200': { description: 'Closed (no body)' },
          '400': problemXml('Malformed ISPB or iteration id'),
          '403': participantForbidden,
          '404': problemXml('Unknown iteration, another participant’s, or one of a challenge-face stream'),
          '410': problemXml('Already closed or expired'),
          '429': icomTrafficLimited,
          '503': icomUnavailable,
        },
      },
    },
    '/api/v1/in/{ispb}/msgs': {
      post: {
        summary:
          'ICOM: send messages as this participant: one (application/xml) or up to 10 (multipart/mixed of application/xml parts), optionally Content-Encoding: gzip. pacs.008 goes to its creditor agent; pacs.002 and pacs.004 to the sender of the transfer they name, each with the SPI’s AppHdr. As on ICOM, 201 means stored: a message the SPI will not process (unreadable, a rule broken) is answered with an admi.002 in the sender’s stream, never with an HTTP error too',
        parameters: [participant],
        requestBody: {
          required: true,
          content: {
            'application/xml': { schema: { type: 'string', description: 'pacs.008, pacs.002 or pacs.004 in the SPI envelope, UTF-8' } },
            'multipart/mixed': { schema: { type: 'string', description: 'up to 10 application/xml parts' } },
          },
        },
        responses: {
          '201': {
            description: 'Stored; a retried BizMsgIdr answers the PI-ResourceId it got the first time and stores nothing; a refused message stores only its admi.002',
            headers: { 'PI-ResourceId': { required: true, description: 'The id of each message, in order, comma-separated', schema: { type: 'string' } } },
          },
          '400': problemXml('Malformed ISPB, MIME, gzip or UTF-8; more than 10 parts'),
          '413': problemXml('Body over 1 MiB (after gzip) or a message over 64 KiB'),
          '415': problemXml('A media type other than application/xml or multipart/mixed, or a charset other than UTF-8'),
          '429': icomTrafficLimited,
          '503': icomUnavailable,
        },
      },
    },
    '/api/v1/in/catalog': {
      get: { summary: 'ICOM: the message versions a participant may post', responses: { '200': { description: 'A Catalog of Message elements (MsgDefIdr values)', content: catalog } } },
    },
    '/api/v1/out/catalog': {
      get: { summary: 'ICOM: the message versions the streams carry', responses: { '200': { description: 'A Catalog of Message elements (MsgDefIdr values)', content: catalog } } },
    },
    ...spiPaths,
    ...virtualPaths,
    ...faultPaths,
    ...rehearsalPaths,
    '/health': { get: { summary: 'Liveness', responses: { '200': { description: 'Running', content: json('Status') } } } },
    '/ready': { get: { summary: 'Readiness: the database answers', responses: { '200': { description: 'Ready', content: json('Status') }, '503': unavailable } } },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    '/dashboard': {
      get: { summary: 'The live dashboard page (polls /api/util/dashboard every 2 s)', responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } },
    },
    '/docs': { get: { summary: 'A readable page of this document', responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } } },
  },
  components: {
    schemas: { ...schemas, ...spiSchemas, ...virtualSchemas, ...faultSchemas, ...rehearsalSchemas },
    securitySchemes: {
      clientCertificate: {
        type: 'mutualTLS',
        description:
          'Only when the server runs with TLS_CLIENT_CA: every connection, whatever the route, must present a client certificate signed by that CA (else the TLS handshake fails). Its subject CN is the participant’s ISPB; on /api/v1/in/{ispb}/… and /api/v1/out/{ispb}/… the path’s ISPB must be the certificate’s, else 403 problem+xml. The challenge face and the operations routes are not bound to a participant.',
      },
    },
  },
} as const;
