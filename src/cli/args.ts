/**
 * Command-line parsing: node:util parseArgs (strict) per command, then one
 * check per option. Every mistake is a UsageError (exit code 2) whose message
 * names the option. The checks are exported for flow/args.ts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to point at, if known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CollectOptions {
  ispb: string;
  /** The ICOM face (/api/v1/out, XML) instead of the challenge face (/api/pix, JSON). */
  icom: boolean;
  collectors: number;
  baseUrl: URL;
  multipart: boolean;
  /** A file path, or '-' for stdout. */
  out: string;
  /** ICOM only: one file per message in this directory instead of lines in `out`. */
  outDir: string | null;
  fsync: boolean;
  /** Stop after this many consecutive 204s on every collector; null: run until a signal. */
  idleExit: number | null;
}

export interface GenerateOptions {
  ispb: string;
  count: number;
  baseUrl: URL;
}

export const DEFAULT_BASE_URL = 'http://localhost:3000';
export const DEFAULT_COLLECTORS = 6;
const MAX_COLLECTORS = 64;
/** The server's own ceiling for one generation request (it answers 400 above it). */
const MAX_GENERATION = 10_000_000;

export type Options = NonNullable<ParseArgsConfig['options']>;

const common: Options = {
  ispb: { type: 'string' },
  'base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const collectSpec: Options = {
  ...common,
  collectors: { type: 'string', short: 'c' },
  multipart: { type: 'boolean', short: 'm' },
  out: { type: 'string', short: 'o' },
  'out-dir': { type: 'string' },
  icom: { type: 'boolean' },
  fsync: { type: 'boolean' },
  'idle-exit': { type: 'string' },
};

const generateSpec: Options = {
  ...common,
  count: { type: 'string', short: 'n' },
};

export type Values = Record<string, string | boolean | undefined>;

/** parseArgs in strict mode, its TypeErrors turned into UsageErrors. Null when --help was asked. */
export function parse(command: string, args: string[], options: Options): Values | null {
  let values: Values;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values;
  } catch (err) {
    // Node's messages go on with advice about '--'; the first sentence is the useful part.
    const message = String((err as Error).message).split(/\.\s/)[0].replace(/\.$/, '');
    throw new UsageError(message, command);
  }
  return values.help ? null : values;
}

/** The challenge face takes 8 digits; ICOM's ISPBs may hold capital letters too. */
export function requireIspb(command: string, raw: string | boolean | undefined, icom = false): string {
  if (typeof raw !== 'string') throw new UsageError('--ispb is required', command);
  if (icom && !/^[0-9A-Z]{8}$/.test(raw)) throw new UsageError(`--ispb must be 8 characters of 0-9 and A-Z with --icom, got "${raw}"`, command);
  if (!icom && !/^\d{8}$/.test(raw)) throw new UsageError(`--ispb must be exactly 8 digits, got "${raw}"`, command);
  return raw;
}

export function positiveInteger(command: string, name: string, raw: string | boolean | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw new UsageError(`--${name} must be an integer from 1 to ${max.toLocaleString('en-US')}, got "${String(raw)}"`, command);
  }
  return value;
}

export function baseUrl(command: string, raw: string | boolean | undefined): URL {
  const text = typeof raw === 'string' ? raw : DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--base-url must be an absolute http(s) URL, got "${text}"`, command);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--base-url must be http:// or https://, got "${text}"`, command);
  }
  return url;
}

export function parseCollect(args: string[]): CollectOptions | null {
  const values = parse('collect', args, collectSpec);
  if (!values) return null;
  const out = typeof values.out === 'string' ? values.out : '-';
  if (out === '') throw new UsageError('--out needs a file name (or - for stdout)', 'collect');
  const icom = values.icom === true;
  const outDir = typeof values['out-dir'] === 'string' ? values['out-dir'] : null;
  if (outDir !== null) {
    if (!icom) throw new UsageError('--out-dir writes ICOM XML files: it needs --icom', 'collect');
    if (values.out !== undefined) throw new UsageError('--out and --out-dir exclude each other', 'collect');
    if (outDir === '') throw new UsageError('--out-dir needs a directory name', 'collect');
  }
  return {
    ispb: requireIspb('collect', values.ispb, icom),
    icom,
    collectors: positiveInteger('collect', 'collectors', values.collectors, DEFAULT_COLLECTORS, MAX_COLLECTORS),
    baseUrl: baseUrl('collect', values['base-url']),
    multipart: values.multipart === true,
    out,
    outDir,
    fsync: values.fsync === true,
    idleExit: values['idle-exit'] === undefined ? null : positiveInteger('collect', 'idle-exit', values['idle-exit'], 1, 1_000_000),
  };
}

export function parseGenerate(args: string[]): GenerateOptions | null {
  const values = parse('generate', args, generateSpec);
  if (!values) return null;
  if (values.count === undefined) throw new UsageError('--count is required', 'generate');
  return {
    ispb: requireIspb('generate', values.ispb),
    count: positiveInteger('generate', 'count', values.count, 0, MAX_GENERATION),
    baseUrl: baseUrl('generate', values['base-url']),
  };
}

/** A path of the API appended to the base URL (which may itself have a path prefix). */
export function apiUrl(base: URL, path: string): URL {
  return new URL(base.pathname.replace(/\/+$/, '') + path, base);
}
