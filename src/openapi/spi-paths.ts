/** The routes about the SPI pix-stream plays (docs/spi.md), in the OpenAPI document: reserve accounts and their statements. */
import { badRequest, json, participantIspb, problem, unavailable } from './parts.js';

const day = (name: string, description: string) => ({ name, in: 'query', required: false, description, schema: { type: 'string', format: 'date' } });
const notOpen = problem('The participant has no reserve account yet (it opens with its first message, or a PUT)');

export const spiPaths = {
  '/api/util/accounts/{ispb}': {
    get: {
      summary: 'A reserve (PI) account: its balance, as a decimal string with two places',
      parameters: [participantIspb],
      responses: { '200': { description: 'The account', content: json('Account') }, '400': badRequest, '404': notOpen, '503': unavailable },
    },
    put: {
      summary: 'Sets a reserve account’s balance for a rehearsal (opening the account if new); the difference is booked as an adjustment',
      parameters: [participantIspb],
      requestBody: { required: true, content: json('BalanceRequest') },
      responses: { '200': { description: 'The account after', content: json('Account') }, '400': problem('Malformed ISPB or body'), '503': unavailable },
    },
  },
  '/api/util/accounts/{ispb}/entries': {
    get: {
      summary: 'A reserve account’s ledger entries booked in a period of whole UTC days (the statement a camt.052 names)',
      parameters: [participantIspb, day('from', 'First day, YYYY-MM-DD (default today)'), day('to', 'Last day, inclusive (default: from)')],
      responses: { '200': { description: 'The entries, oldest first', content: json('Statement') }, '400': problem('Malformed ISPB or date'), '404': notOpen, '503': unavailable },
    },
  },
} as const;

const money = { type: 'string', pattern: '^-?[0-9]+\\.[0-9]{2}$' };

const ms = { type: ['number', 'null'], minimum: 0 };

export const spiSchemas = {
  DashboardSpi: {
    type: 'object',
    required: ['windowSeconds', 'participants'],
    additionalProperties: false,
    description: 'The SPI per participant: its reserve balance and the instructions it was party to (payer or receiver) decided in the last windowSeconds',
    properties: {
      windowSeconds: { type: 'integer', minimum: 1 },
      participants: {
        type: 'array',
        items: {
          type: 'object',
          required: ['ispb', 'balance', 'settled', 'settledPerSecond', 'rejections', 'ab03', 'latencyP50Ms', 'latencyP95Ms'],
          additionalProperties: false,
          properties: {
            ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$' },
            balance: { ...money, type: ['string', 'null'], description: 'null: no reserve account among the 1,000 that moved last' },
            settled: { type: 'integer', minimum: 0 },
            settledPerSecond: { type: 'number', minimum: 0 },
            rejections: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 }, description: 'by reason code: the receiver’s own, AM04, AB03, DUPL…' },
            ab03: { type: 'integer', minimum: 0, description: 'rejected for no answer in time' },
            latencyP50Ms: { ...ms, description: 'the SPI’s acceptance → settlement, settled instructions only' },
            latencyP95Ms: ms,
          },
        },
      },
    },
  },
  Account: {
    type: 'object',
    required: ['ispb', 'balance', 'openedAt', 'updatedAt'],
    additionalProperties: false,
    properties: { ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$' }, balance: money, openedAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' } },
  },
  BalanceRequest: { type: 'object', required: ['balance'], properties: { balance: { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$', description: 'Reais with two decimals' } } },
  Statement: {
    type: 'object',
    required: ['ispb', 'from', 'to', 'entries', 'truncated'],
    additionalProperties: false,
    properties: {
      ispb: { type: 'string' },
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date' },
      truncated: { type: 'boolean', description: 'More than 10,000 entries: only the first are listed' },
      entries: {
        type: 'array',
        items: {
          type: 'object',
          required: ['movement', 'kind', 'amount', 'balanceAfter', 'reference', 'bookedAt'],
          additionalProperties: false,
          properties: {
            movement: { type: 'integer', description: 'The movement the entry is part of: a settlement is two entries (debit, credit) of one movement' },
            kind: { type: 'string', enum: ['opening', 'adjustment', 'transfer', 'return'] },
            amount: money,
            balanceAfter: money,
            reference: { type: ['string', 'null'], description: 'The EndToEndId or RtrId settled' },
            bookedAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
} as const;
