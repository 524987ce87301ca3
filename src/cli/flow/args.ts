/**
 * `pix-stream flow` options. Checked as the other commands' are (strict
 * parseArgs, one UsageError per mistake, exit code 2), with the rules of what
 * the flow posts: a pacs.008's agents are 8 digits (the SPI's ISPB of a
 * settlement participant), the two must differ (a participant paying itself
 * would collect its own transfers and reports on the same queue), and a
 * reason code is what pacs.002 carries (2-4 of A-Z, 0-9).
 */
import { REASON_CODE } from '../../iso20022/envelope.js';
import { baseUrl, DEFAULT_COLLECTORS, parse, positiveInteger, requireIspb, UsageError, type Options, type Values } from '../args.js';

export interface FlowOptions {
  payer: string;
  receiver: string;
  count: number;
  /** Share of the transfers the receiver rejects (0-1); exactly round(count × share) of them. */
  rejectShare: number;
  rejectReason: string;
  /** ICOM collectors on each side. */
  collectors: number;
  /** Transfers per POST (multipart/mixed above 1). */
  batch: number;
  /** POSTs of transfers in flight at once. */
  concurrency: number;
  gzip: boolean;
  /** After the last transfer is posted: stop when nothing new has arrived for this long. */
  idleExitMs: number;
  baseUrl: URL;
  json: boolean;
}

export const FLOW_DEFAULTS = {
  rejectShare: 0,
  rejectReason: 'AM04',
  batch: 10,
  concurrency: 2,
  idleExitS: 5,
};
/** Every transfer's times stay in memory until the summary: about 300 bytes each. */
const MAX_COUNT = 1_000_000;
/** ICOM inbound takes at most 10 messages per request. */
const MAX_BATCH = 10;
const MAX_COLLECTORS = 64;
const MAX_CONCURRENCY = 64;
const MAX_IDLE_EXIT_S = 3600;

const C = 'flow';

const flowSpec: Options = {
  payer: { type: 'string' },
  receiver: { type: 'string' },
  count: { type: 'string', short: 'n' },
  'reject-share': { type: 'string' },
  'reject-reason': { type: 'string' },
  collectors: { type: 'string', short: 'c' },
  batch: { type: 'string' },
  concurrency: { type: 'string' },
  gzip: { type: 'boolean' },
  'idle-exit': { type: 'string' },
  'base-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** A decimal within [min, max]: plain notation only, so "1e3" or "0x10" are refused rather than read. */
function decimal(name: string, raw: string | boolean | undefined, fallback: number, min: number, max: number, minExclusive = false): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d{1,9}(\.\d{1,9})?$|^\.\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  const low = minExclusive ? value > min : value >= min;
  if (!(low && value <= max)) {
    throw new UsageError(`--${name} must be a number ${minExclusive ? 'above' : 'from'} ${min} ${minExclusive ? 'up ' : ''}to ${max}, got "${String(raw)}"`, C);
  }
  return value;
}

function ispb(name: 'payer' | 'receiver', values: Values): string {
  const raw = values[name];
  if (raw === undefined) throw new UsageError(`--${name} is required`, C);
  try {
    return requireIspb(C, raw);
  } catch (err) {
    throw new UsageError((err as Error).message.replace('--ispb', `--${name}`), C);
  }
}

export function parseFlow(args: string[]): FlowOptions | null {
  const values = parse(C, args, flowSpec);
  if (!values) return null;
  const payer = ispb('payer', values);
  const receiver = ispb('receiver', values);
  if (payer === receiver) throw new UsageError('--payer and --receiver must be different participants', C);
  if (values.count === undefined) throw new UsageError('--count is required', C);
  const reason = values['reject-reason'] ?? FLOW_DEFAULTS.rejectReason;
  if (typeof reason !== 'string' || !REASON_CODE.test(reason)) {
    throw new UsageError(`--reject-reason must be a status reason code, 2-4 characters of A-Z and 0-9 (e.g. AM04), got "${String(reason)}"`, C);
  }
  return {
    payer,
    receiver,
    count: positiveInteger(C, 'count', values.count, 0, MAX_COUNT),
    rejectShare: decimal('reject-share', values['reject-share'], FLOW_DEFAULTS.rejectShare, 0, 1),
    rejectReason: reason,
    collectors: positiveInteger(C, 'collectors', values.collectors, DEFAULT_COLLECTORS, MAX_COLLECTORS),
    batch: positiveInteger(C, 'batch', values.batch, FLOW_DEFAULTS.batch, MAX_BATCH),
    concurrency: positiveInteger(C, 'concurrency', values.concurrency, FLOW_DEFAULTS.concurrency, MAX_CONCURRENCY),
    gzip: values.gzip === true,
    idleExitMs: 1000 * decimal('idle-exit', values['idle-exit'], FLOW_DEFAULTS.idleExitS, 0, MAX_IDLE_EXIT_S, true),
    baseUrl: baseUrl(C, values['base-url']),
    json: values.json === true,
  };
}
