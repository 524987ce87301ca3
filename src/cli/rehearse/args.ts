/** `pix-stream rehearse capacity` options (docs/rehearsal.md). */
import { LEVEL_RATES, type Level } from '../../rehearsal/criteria.js';
import { baseUrl, parse, UsageError, type Options } from '../args.js';

export interface RehearseOptions {
  ispb: string;
  perMinute: number;
  minutes: number;
  baseUrl: URL;
  json: string | null;
  html: string | null;
}

const spec: Options = {
  ispb: { type: 'string' },
  'base-url': { type: 'string' },
  level: { type: 'string' },
  'per-minute': { type: 'string' },
  minutes: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const COMMAND = 'rehearse';

function file(raw: string | boolean | undefined, name: string): string | null {
  if (raw === undefined) return null;
  if (raw === '') throw new UsageError(`--${name} needs a file name`, COMMAND);
  return String(raw);
}

/** Null when --help was asked. The only scenario so far is `capacity`. */
export function parseRehearse(args: string[]): RehearseOptions | null {
  const [scenario, ...rest] = args;
  if (scenario === '-h' || scenario === '--help') return null;
  if (scenario !== 'capacity') throw new UsageError(scenario === undefined ? 'which rehearsal? (capacity)' : `unknown rehearsal "${scenario}" (capacity)`, COMMAND);
  const values = parse(COMMAND, rest, spec);
  if (!values) return null;
  if (typeof values.ispb !== 'string' || !/^[0-9A-Z]{8}$/.test(values.ispb)) throw new UsageError(`--ispb must be the participant under test, 8 characters of 0-9 and A-Z, got ${JSON.stringify(values.ispb ?? '')}`, COMMAND);
  const level = values.level ?? 'small';
  if (typeof level !== 'string' || !Object.hasOwn(LEVEL_RATES, level)) throw new UsageError(`--level must be small, medium or large (1,000, 2,000 or 4,000 a minute), got "${String(level)}"`, COMMAND);
  let perMinute: number = LEVEL_RATES[level as Level];
  if (values['per-minute'] !== undefined) {
    perMinute = Number(values['per-minute']);
    if (!/^\d{1,5}$/.test(String(values['per-minute'])) || perMinute < 1 || perMinute > 12_000) throw new UsageError(`--per-minute must be a whole number from 1 to 12000 (the Roteiro's: 1000, 2000, 4000), got "${values['per-minute']}"`, COMMAND);
  }
  const minutes = values.minutes === undefined ? 10 : Number(values.minutes);
  if (!(minutes >= 0.1 && minutes <= 60)) throw new UsageError(`--minutes must be a number from 0.1 to 60, got "${String(values.minutes)}"`, COMMAND);
  return { ispb: values.ispb, perMinute, minutes, baseUrl: baseUrl(COMMAND, values['base-url']), json: file(values.json, 'json'), html: file(values.html, 'html') };
}
