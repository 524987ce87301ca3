/** The faults' routes (docs/faults.md) in the OpenAPI document: set, read with their counts, removed. */
import { json, participantIspb, problem, unavailable } from './parts.js';

const noFaults = problem('The participant has no faults on');
const share = { type: 'number', minimum: 0, maximum: 1 };
const seconds = (max: number, description: string) => ({ type: 'integer', minimum: 1, maximum: max, description });

const faultFields = {
  throttle: {
    type: ['object', 'null'],
    additionalProperties: false,
    description: 'A share of its ICOM requests start a burst of 429s with Retry-After (an injected 429 spends no traffic-limit tokens)',
    properties: { share: { ...share, description: 'Share of requests that start a burst (1)' }, burst: { type: 'integer', minimum: 1, maximum: 10_000, description: '429s in a burst, this request included (1)' }, retryAfterS: seconds(3600, 'Retry-After (1)') },
  },
  unavailable: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['forS'],
    description: 'Every ICOM request answered 503 for forS seconds from the PUT',
    properties: { forS: seconds(86_400, 'How long'), retryAfterS: seconds(3600, 'Retry-After (1)') },
  },
  latencyMs: { type: 'integer', minimum: 0, maximum: 60_000, description: 'Added before each ICOM request is handled' },
  resetShare: { ...share, description: 'Share of answers whose connection is reset halfway through the body' },
  redeliveryShare: { ...share, description: 'Share of stream pulls whose stream is ended first (410): the unacknowledged batch comes again on the next stream' },
  lateAb03S: { type: 'integer', minimum: 0, maximum: 86_400, description: 'The SPI’s AB03 reports to it (deadline timeouts) are held back this long' },
};

export const faultPaths = {
  '/api/util/faults/{ispb}': {
    put: {
      summary: 'Turns faults on for {ispb}’s own ICOM requests (every process within 1 s); replaces any it had',
      parameters: [participantIspb],
      requestBody: { required: true, content: json('FaultsRequest') },
      responses: {
        '201': { description: 'Faults on', content: json('Faults') },
        '200': { description: 'Its faults changed (a 503 window starts again)', content: json('Faults') },
        '400': problem('Malformed ISPB or faults'),
        '503': unavailable,
      },
    },
    get: {
      summary: 'A participant’s faults, and how many of each were injected',
      parameters: [participantIspb],
      responses: { '200': { description: 'The faults, defaults filled in', content: json('Faults') }, '400': problem('Malformed ISPB'), '404': noFaults, '503': unavailable },
    },
    delete: {
      summary: 'Turns a participant’s faults off (AB03s already held are still released when due)',
      parameters: [participantIspb],
      responses: { '204': { description: 'Off' }, '400': problem('Malformed ISPB'), '404': noFaults, '503': unavailable },
    },
  },
} as const;

const injected = {
  type: 'object',
  additionalProperties: false,
  description: 'Injected so far (across every process, within a second), by fault',
  properties: Object.fromEntries(['throttle', 'unavailable', 'latency', 'reset', 'redelivery', 'lateAb03'].map((name) => [name, { type: 'integer', minimum: 1 }])),
};

export const faultSchemas = {
  FaultsRequest: { type: 'object', additionalProperties: false, properties: faultFields },
  Faults: {
    type: 'object',
    required: ['ispb', 'faults', 'since', 'injected'],
    additionalProperties: false,
    properties: {
      ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$' },
      faults: { type: 'object', required: Object.keys(faultFields), additionalProperties: false, properties: faultFields },
      since: { type: 'string', format: 'date-time', description: 'When they were set' },
      injected,
    },
  },
  DashboardFaults: {
    type: 'array',
    description: 'Participants with faults on or injected, and the counts',
    items: { type: 'object', required: ['ispb', 'on', 'injected'], additionalProperties: false, properties: { ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$' }, on: { type: 'boolean' }, injected } },
  },
} as const;
