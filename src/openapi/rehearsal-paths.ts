/** The capacity rehearsals' routes (docs/rehearsal.md) in the OpenAPI document. */
import { json, problem, unavailable } from './parts.js';

const id = { name: 'id', in: 'path', required: true, description: 'The rehearsal’s id (the last segment of its Location)', schema: { type: 'string', format: 'uuid' } };
const missing = problem('No rehearsal with that id');
const nullableMs = { type: ['number', 'null'], minimum: 0 };
const count = { type: 'integer', minimum: 0 };

export const rehearsalPaths = {
  '/api/util/rehearsals': {
    post: {
      summary: 'Starts the homologation capacity test against participant {ispb}: 99999A03 pays it at perMinute for minutes while it pays 99999A04 at the same rate',
      requestBody: { required: true, content: json('RehearsalRequest') },
      responses: {
        '202': { description: 'Started (follow it at Location)', headers: { Location: { required: true, schema: { type: 'string' } } }, content: json('Rehearsal') },
        '400': problem('Malformed request'),
        '409': problem('The participant has a rehearsal under way, or 99999A03 is no longer virtual'),
        '503': unavailable,
      },
    },
  },
  '/api/util/rehearsals/{id}': {
    get: {
      summary: 'A rehearsal: its state, progress, and scorecard so far',
      parameters: [id],
      responses: { '200': { description: 'The rehearsal', content: json('Rehearsal') }, '400': problem('Malformed id'), '404': missing, '503': unavailable },
    },
    delete: {
      summary: 'Stops a rehearsal: 99999A03 pays no more; what is in flight is still decided and counted',
      parameters: [id],
      responses: { '200': { description: 'Stopped, its last view', content: json('Rehearsal') }, '400': problem('Malformed id'), '404': missing, '503': unavailable },
    },
  },
  '/api/util/rehearsals/{id}/report': {
    get: {
      summary: 'A rehearsal with what its charts draw: quantiles per time bucket, and histograms (read every sample: ask once, at the end)',
      parameters: [id],
      responses: { '200': { description: 'The report', content: json('RehearsalReport') }, '400': problem('Malformed id'), '404': missing, '503': unavailable },
    },
  },
} as const;

const roleTally = {
  type: 'object',
  additionalProperties: false,
  required: ['role', 'instructions', 'settled', 'rejected', 'timedOut', 'pending', 'available', 'fetched', 'consumedInTime', 'consumptionP50Ms', 'consumptionP99Ms', 'answered', 'answeredWithinP50Bound', 'answeredWithinP95Bound', 'answerP50Ms', 'answerP95Ms'],
  properties: {
    role: { type: 'string', enum: ['receiver', 'payer'] },
    instructions: { ...count, description: 'credit transfers of this role in the rehearsal' },
    settled: count,
    rejected: { ...count, description: 'rejected with a code other than AB03' },
    timedOut: { ...count, description: 'rejected AB03: no answer in time' },
    pending: count,
    available: { ...count, description: 'messages on P’s stream its consumption is judged on' },
    fetched: count,
    consumedInTime: { ...count, description: 'fetched within 200 ms of being available' },
    consumptionP50Ms: nullableMs,
    consumptionP99Ms: nullableMs,
    answered: { ...count, description: 'receiver: answered by P' },
    answeredWithinP50Bound: { ...count, description: 'receiver: answered within 1.4 s of the fetch' },
    answeredWithinP95Bound: { ...count, description: 'receiver: answered within 2.3 s of the fetch' },
    answerP50Ms: nullableMs,
    answerP95Ms: nullableMs,
  },
};

const histogram = {
  type: 'object',
  additionalProperties: false,
  required: ['boundsMs', 'counts', 'missing'],
  properties: {
    boundsMs: { type: 'array', items: { type: 'number' }, description: 'upper bounds of the bins; the last count is everything above the last bound' },
    counts: { type: 'array', items: count },
    missing: { ...count, description: 'samples with nothing to measure (never fetched, never answered)' },
  },
};

export const rehearsalSchemas = {
  RehearsalRequest: {
    type: 'object',
    required: ['ispb'],
    additionalProperties: false,
    properties: {
      ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$', description: 'The participant under test (not 99999A03 or 99999A04)' },
      perMinute: { type: 'integer', minimum: 1, maximum: 12_000, description: 'Payments a minute each way (the Roteiro’s 1000, 2000 or 4000; default 1000)' },
      minutes: { type: 'number', minimum: 0.1, maximum: 60, description: 'How long (default 10)' },
    },
  },
  Rehearsal: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'ispb', 'perMinute', 'minutes', 'startedAt', 'endsAt', 'settledBy', 'state', 'elapsedSeconds', 'paymentsToP', 'receiver', 'payer', 'criteria', 'pass'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$' },
      perMinute: { type: 'integer' },
      minutes: { type: 'number' },
      startedAt: { type: 'string', format: 'date-time' },
      endsAt: { type: 'string', format: 'date-time' },
      settledBy: { type: 'string', format: 'date-time', description: 'by then every instruction is decided (its AB03 included)' },
      state: { type: 'string', enum: ['running', 'settling', 'completed', 'stopped'] },
      elapsedSeconds: { type: 'number', minimum: 0 },
      paymentsToP: { type: 'object', additionalProperties: false, required: ['sent', 'total'], properties: { sent: count, total: count } },
      receiver: roleTally,
      payer: roleTally,
      criteria: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'target', 'measured', 'pass', 'required', 'share', 'samples', 'boundMs'],
          properties: {
            name: { type: 'string' },
            target: { type: 'string' },
            measured: { type: 'string' },
            pass: { type: 'boolean' },
            required: { type: 'number' },
            share: { type: ['number', 'null'], description: 'null: nothing to judge (a FAIL)' },
            samples: count,
            boundMs: { type: 'number' },
          },
        },
      },
      pass: { type: 'boolean', description: 'every criterion passed' },
    },
  },
  RehearsalReport: {
    type: 'object',
    additionalProperties: false,
    required: ['rehearsal', 'bucketSeconds', 'series', 'histograms'],
    properties: {
      rehearsal: { $ref: '#/components/schemas/Rehearsal' },
      bucketSeconds: { type: 'integer', minimum: 1 },
      series: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['atS', 'receiverConsumptionP99Ms', 'payerConsumptionP99Ms', 'answerP50Ms', 'answerP95Ms', 'instructions'],
          properties: { atS: { type: 'number' }, receiverConsumptionP99Ms: nullableMs, payerConsumptionP99Ms: nullableMs, answerP50Ms: nullableMs, answerP95Ms: nullableMs, instructions: count },
        },
      },
      histograms: {
        type: 'object',
        additionalProperties: false,
        required: ['receiverConsumption', 'payerConsumption', 'answer'],
        properties: { receiverConsumption: histogram, payerConsumption: histogram, answer: histogram },
      },
    },
  },
  DashboardRehearsals: {
    type: 'array',
    description: 'Rehearsals under way or settled in the last 10 minutes, newest first',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'ispb', 'perMinute', 'minutes', 'startedAt', 'endsAt', 'state', 'sent', 'total'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        ispb: { type: 'string' },
        perMinute: { type: 'integer' },
        minutes: { type: 'number' },
        startedAt: { type: 'string', format: 'date-time' },
        endsAt: { type: 'string', format: 'date-time' },
        state: { type: 'string', enum: ['running', 'settling', 'completed', 'stopped'] },
        sent: { ...count, description: '99999A03’s payments to the participant so far' },
        total: count,
      },
    },
  },
} as const;
