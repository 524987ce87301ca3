/** JSON Schemas of the API's bodies (OpenAPI 3.1 = JSON Schema 2020-12). */

const digits = (min: number, max: number) => ({ type: 'string', pattern: `^[0-9]{${min},${max}}$` });

const messageCounts = {
  type: 'object',
  required: ['pending', 'inFlight', 'acknowledged'],
  additionalProperties: false,
  properties: {
    pending: { type: 'integer', minimum: 0 },
    inFlight: { type: 'integer', minimum: 0, description: 'delivered in a batch not yet acknowledged' },
    acknowledged: { type: 'integer', minimum: 0 },
  },
} as const;

/** A generation job as the job route and the dashboard both show it (the route adds its attempts). */
const generationJobFields = {
  id: { type: 'string', format: 'uuid' },
  ispb: digits(8, 8),
  total: { type: 'integer' },
  created: { type: 'integer', minimum: 0 },
  state: { type: 'string', enum: ['queued', 'running', 'completed', 'failed'] },
  error: { type: ['string', 'null'] },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
} as const;

export const schemas = {
  Party: {
    type: 'object',
    description: 'A party as generated (every field set, digits only) or as a participant posted it in a pacs.008 (a creditor may come without a name, an account without a branch)',
    required: ['nome', 'cpfCnpj', 'ispb', 'agencia', 'contaTransacional', 'tipoConta'],
    additionalProperties: false,
    properties: {
      nome: { type: ['string', 'null'], minLength: 1, maxLength: 140 },
      cpfCnpj: { type: 'string', pattern: '^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$', description: 'CPF (11 digits) or CNPJ (14: 12 of [0-9A-Z], 2 check digits)' },
      ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$' },
      agencia: { type: ['string', 'null'], pattern: '^[0-9]{1,4}$' },
      contaTransacional: { type: 'string', pattern: '^[0-9A-Z]{1,20}$' },
      tipoConta: { type: 'string', enum: ['CACC', 'OTHR', 'SVGS', 'SLRY', 'TRAN'] },
    },
  },
  Message: {
    type: 'object',
    required: ['endToEndId', 'valor', 'pagador', 'recebedor', 'campoLivre', 'txId', 'dataHoraPagamento'],
    additionalProperties: false,
    properties: {
      endToEndId: { type: 'string', pattern: '^E[0-9A-Z]{8}[0-9]{12}[A-Za-z0-9]{11}$', description: 'E + payer ISPB + yyyyMMddHHmm (UTC) + 11 alphanumerics' },
      valor: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.01 },
      pagador: { $ref: '#/components/schemas/Party' },
      recebedor: { $ref: '#/components/schemas/Party' },
      campoLivre: { type: 'string', maxLength: 200 },
      txId: { type: ['string', 'null'], pattern: '^[A-Za-z0-9]{1,35}$', description: 'generated: 26-35 characters; null for a posted manual (MANU) or Pix-key (DICT) payment, which carries none' },
      dataHoraPagamento: { type: 'string', format: 'date-time' },
    },
  },
  MessageBatch: { type: 'array', minItems: 1, maxItems: 10, items: { $ref: '#/components/schemas/Message' } },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string' },
    },
  },
  Generated: {
    type: 'object',
    required: ['ispb', 'created'],
    additionalProperties: false,
    properties: { ispb: digits(8, 8), created: { type: 'integer', minimum: 1 } },
  },
  GenerationAccepted: {
    type: 'object',
    required: ['ispb', 'jobId', 'total', 'status'],
    additionalProperties: false,
    properties: {
      ispb: digits(8, 8),
      jobId: { type: 'string', format: 'uuid' },
      total: { type: 'integer' },
      status: { type: 'string', description: 'URI of the job, as in Location' },
    },
  },
  GenerationJob: {
    type: 'object',
    required: ['id', 'ispb', 'total', 'created', 'state', 'error', 'attempts', 'createdAt', 'updatedAt'],
    additionalProperties: false,
    properties: { ...generationJobFields, attempts: { type: 'integer', minimum: 0 } },
  },
  Closed: {
    type: 'object',
    required: ['ispb', 'closed'],
    additionalProperties: false,
    properties: { ispb: digits(8, 8), closed: { type: 'boolean', const: true } },
  },
  Stopped: {
    type: 'object',
    required: ['ispb', 'closed'],
    additionalProperties: false,
    properties: { ispb: digits(8, 8), closed: { type: 'integer', minimum: 0, description: 'streams closed' } },
  },
  IspbState: {
    type: 'object',
    required: ['ispb', 'messages', 'streams'],
    additionalProperties: false,
    properties: {
      ispb: digits(8, 8),
      messages: messageCounts,
      streams: {
        type: 'object',
        required: ['open', 'limit', 'list'],
        additionalProperties: false,
        properties: {
          open: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, description: 'MAX_COLLECTORS_PER_ISPB' },
          list: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'openedAt', 'lastSeenAt', 'expiresAt'],
              additionalProperties: false,
              properties: {
                id: { type: 'integer' },
                openedAt: { type: 'string', format: 'date-time' },
                lastSeenAt: { type: 'string', format: 'date-time' },
                expiresAt: { type: 'string', format: 'date-time' },
              },
            },
          },
        },
      },
    },
  },
  Dashboard: {
    type: 'object',
    required: ['generatedAt', 'collectorLimit', 'bucketSeconds', 'buckets', 'ispbs', 'jobs', 'spi', 'faults', 'rehearsals'],
    additionalProperties: false,
    properties: {
      generatedAt: { type: 'string', format: 'date-time', description: 'when these figures were read (shared by every dashboard for 1 s)' },
      collectorLimit: { type: 'integer', minimum: 1, description: 'MAX_COLLECTORS_PER_ISPB' },
      bucketSeconds: { type: 'integer', minimum: 1 },
      buckets: { type: 'array', items: { type: 'integer' }, description: 'start of each chart point, seconds since the epoch, oldest first; the series below align with it' },
      ispbs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['ispb', 'messages', 'streams', 'deliveries'],
          additionalProperties: false,
          properties: {
            ispb: { type: 'string', pattern: '^[0-9A-Z]{8}$', description: 'an ICOM participant may have letters' },
            messages: messageCounts,
            streams: {
              type: 'object',
              required: ['open', 'limit'],
              additionalProperties: false,
              properties: { open: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1 } },
            },
            deliveries: {
              type: 'object',
              required: ['perSecond', 'latencyP50Ms', 'latencyP95Ms'],
              additionalProperties: false,
              properties: {
                perSecond: { type: 'array', items: { type: 'number', minimum: 0 }, description: 'messages delivered per second in each bucket' },
                latencyP50Ms: { type: 'array', items: { type: ['number', 'null'] }, description: 'post→delivery latency of sampled batches, null where none' },
                latencyP95Ms: { type: 'array', items: { type: ['number', 'null'] } },
              },
            },
          },
        },
      },
      jobs: { type: 'array', items: { $ref: '#/components/schemas/DashboardJob' } },
      spi: { $ref: '#/components/schemas/DashboardSpi' },
      faults: { $ref: '#/components/schemas/DashboardFaults' },
      rehearsals: { $ref: '#/components/schemas/DashboardRehearsals' },
    },
  },
  DashboardJob: {
    type: 'object',
    required: ['id', 'ispb', 'total', 'created', 'state', 'error', 'createdAt', 'updatedAt'],
    additionalProperties: false,
    properties: generationJobFields,
  },
  Status: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } },
} as const;
