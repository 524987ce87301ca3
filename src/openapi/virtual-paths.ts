/** The virtual participants' routes (docs/virtual-participants.md) in the OpenAPI document: profiles and payment runs. */
import { json, participantIspb, problem, unavailable } from './parts.js';

const notVirtual = problem('The participant is not virtual (no profile under that ISPB)');
const runId = { name: 'id', in: 'path', required: true, description: 'The run’s id (its Location)', schema: { type: 'string', format: 'uuid' } };
const share = { type: 'number', minimum: 0, maximum: 1 };
const ms = { type: 'integer', minimum: 0, maximum: 3_600_000 };
const reason = { type: 'string', pattern: '^[A-Z0-9]{4}$' };

export const virtualPaths = {
  '/api/util/virtual/{ispb}': {
    put: {
      summary: 'Makes {ispb} a participant pix-stream plays, answering every pacs.008 (and pacs.004) sent to it by this profile; the workers read it within 2 s',
      parameters: [participantIspb],
      requestBody: { required: true, content: json('VirtualProfile') },
      responses: {
        '201': { description: 'Made virtual', content: json('VirtualParticipant') },
        '200': { description: 'Its profile changed', content: json('VirtualParticipant') },
        '400': problem('Malformed ISPB or profile'),
        '503': unavailable,
      },
    },
    get: {
      summary: 'A virtual participant’s profile',
      parameters: [participantIspb],
      responses: { '200': { description: 'The profile, defaults filled in', content: json('VirtualParticipant') }, '400': problem('Malformed ISPB'), '404': notVirtual, '503': unavailable },
    },
    delete: {
      summary: 'Ends a virtual participant: its profile, the answers it had not posted, its running payments (stopped)',
      parameters: [participantIspb],
      responses: { '204': { description: 'Ended' }, '400': problem('Malformed ISPB'), '404': notVirtual, '503': unavailable },
    },
  },
  '/api/util/virtual/{ispb}/payments': {
    post: {
      summary: 'Makes the virtual participant pay another participant `count` payments at `perSecond`, through the SPI as a bank pays',
      parameters: [participantIspb],
      requestBody: { required: true, content: json('PaymentRunRequest') },
      responses: {
        '202': { description: 'The run, started (follow it at Location)', headers: { Location: { required: true, schema: { type: 'string' } } }, content: json('PaymentRun') },
        '400': problem('Malformed ISPB or body'),
        '404': notVirtual,
        '503': unavailable,
      },
    },
  },
  '/api/util/virtual/{ispb}/payments/{id}': {
    get: {
      summary: 'A payment run: how many were sent, and whether it completed',
      parameters: [participantIspb, runId],
      responses: { '200': { description: 'The run', content: json('PaymentRun') }, '400': problem('Malformed ISPB or id'), '404': problem('No such run of that participant'), '503': unavailable },
    },
  },
} as const;

const profileFields = {
  answer: { type: 'string', enum: ['ACSP', 'RJCT', 'none'], description: 'What it answers when no share applies (none: nothing, so the SPI times it out with AB03)' },
  reason: { ...reason, description: 'The RJCT code when answer is RJCT (AC03)' },
  delayMs: { ...ms, description: 'Fixed time from fetching an instruction to posting the answer' },
  delay: {
    type: 'object',
    required: ['p50Ms', 'p95Ms'],
    additionalProperties: false,
    description: 'Instead of delayMs: a log-normal time with these quantiles',
    properties: { p50Ms: { ...ms, minimum: 1 }, p95Ms: ms },
  },
  rejectShares: {
    type: 'array',
    items: { type: 'object', required: ['reason', 'share'], additionalProperties: false, properties: { reason, share } },
    description: 'Shares answered RJCT with each code',
  },
  silentShare: { ...share, description: 'Share left unanswered (AB03)' },
  duplicateShare: { ...share, description: 'Share answered twice; the SPI refuses the second (admi.002)' },
  returnShare: { ...share, description: 'Share of settled payments returned whole (pacs.004)' },
  returnReason: { type: 'string', enum: ['BE08', 'FR01', 'MD06', 'SL02'] },
  returnAfterMs: { ...ms, description: 'Time from the answer to the return (1000)' },
};

export const virtualSchemas = {
  VirtualProfile: { type: 'object', additionalProperties: false, properties: profileFields },
  VirtualParticipant: {
    type: 'object',
    required: ['ispb', 'profile', 'createdAt', 'updatedAt'],
    additionalProperties: false,
    properties: {
      ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$' },
      profile: { type: 'object', additionalProperties: false, properties: profileFields },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  PaymentRunRequest: {
    type: 'object',
    required: ['to', 'count', 'perSecond'],
    additionalProperties: false,
    properties: {
      to: { type: 'string', pattern: '^[0-9A-Z]{8}$', description: 'The participant paid' },
      count: { type: 'integer', minimum: 1, maximum: 1_000_000 },
      perSecond: { type: 'number', minimum: 0.01, maximum: 10_000 },
      amount: { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$', description: 'Each payment’s amount; random amounts when absent' },
      localInstrument: { type: 'string', enum: ['MANU', 'QRDN'], description: 'MANU (default) or QRDN, a dynamic QR code payment with a TxId' },
    },
  },
  PaymentRun: {
    type: 'object',
    required: ['id', 'ispb', 'to', 'count', 'sent', 'perSecond', 'amount', 'localInstrument', 'state', 'startedAt', 'updatedAt'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid' },
      ispb: { type: 'string' },
      to: { type: 'string' },
      count: { type: 'integer' },
      sent: { type: 'integer', minimum: 0, description: 'Payments stored so far' },
      perSecond: { type: 'number' },
      amount: { type: ['string', 'null'] },
      localInstrument: { type: 'string', enum: ['MANU', 'QRDN'] },
      state: { type: 'string', enum: ['running', 'completed', 'stopped'] },
      startedAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
} as const;
