/**
 * How a virtual participant answers (PUT /api/util/virtual/{ispb}), and the
 * draw that turns a profile into one instruction's answer. A profile is JSON:
 *
 *   answer          ACSP | RJCT | none: what it answers when no share below applies (ACSP)
 *   reason          the RJCT's code when answer is RJCT (AC03)
 *   delayMs         a fixed time from fetching the pacs.008 to posting the answer (0), or
 *   delay           { p50Ms, p95Ms }: a log-normal time with those quantiles
 *   rejectShares    [{ reason, share }]: shares of instructions answered RJCT with that code
 *   silentShare     share left unanswered, so the SPI times them out (AB03)
 *   duplicateShare  share answered twice (the second answer is the SPI's to refuse)
 *   returnShare     share of settled payments returned whole (pacs.004) returnAfterMs later,
 *                   with returnReason (MD06)
 *
 * Shares are fractions of 1 and the reject and silent shares sum to at most 1.
 */
import { PACS002_REASONS, PACS004_REASONS } from '../iso20022/reasons.js';

export interface Profile {
  answer: 'ACSP' | 'RJCT' | 'none';
  reason: string;
  delay: { fixedMs: number } | { p50Ms: number; p95Ms: number };
  rejectShares: { reason: string; share: number }[];
  silentShare: number;
  duplicateShare: number;
  returnShare: number;
  returnReason: string;
  returnAfterMs: number;
}

/** One instruction's answer: its status, when (ms after fetching), and what follows it. */
export interface Draw {
  answer: 'ACSP' | 'RJCT' | 'none';
  reason: string | null;
  delayMs: number;
  duplicate: boolean;
  /** ms after the answer to return the payment, when it settles; null: no return. */
  returnAfterMs: number | null;
}

export class ProfileError extends Error {}

const KNOWN = new Set(['answer', 'reason', 'delayMs', 'delay', 'rejectShares', 'silentShare', 'duplicateShare', 'returnShare', 'returnReason', 'returnAfterMs']);
const MAX_DELAY_MS = 3_600_000;

function share(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new ProfileError(`${name} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  return value;
}

function millis(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DELAY_MS) {
    throw new ProfileError(`${name} must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function code(value: unknown, name: string, codes: ReadonlySet<string>, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !codes.has(value)) throw new ProfileError(`${name} must be one of ${[...codes].join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

function delayOf(body: Record<string, unknown>): Profile['delay'] {
  if (body.delay === undefined) return { fixedMs: millis(body.delayMs, 'delayMs', 0) };
  if (body.delayMs !== undefined) throw new ProfileError('give delayMs or delay, not both');
  const d = body.delay as Record<string, unknown>;
  if (typeof d !== 'object' || d === null) throw new ProfileError('delay must be an object {"p50Ms": …, "p95Ms": …}');
  const p50Ms = millis(d.p50Ms, 'delay.p50Ms', NaN);
  const p95Ms = millis(d.p95Ms, 'delay.p95Ms', NaN);
  if (!(p50Ms > 0 && p95Ms >= p50Ms)) throw new ProfileError('delay needs p50Ms > 0 and p95Ms ≥ p50Ms');
  return { p50Ms, p95Ms };
}

/** The profile a request body describes; ProfileError says what is wrong with one that does not. */
export function parseProfile(body: unknown): Profile {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProfileError('the profile must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((key) => !KNOWN.has(key));
  if (unknown !== undefined) throw new ProfileError(`unknown field ${JSON.stringify(unknown)}; known: ${[...KNOWN].join(', ')}`);
  const answer = b.answer ?? 'ACSP';
  if (answer !== 'ACSP' && answer !== 'RJCT' && answer !== 'none') throw new ProfileError(`answer must be ACSP, RJCT or none, got ${JSON.stringify(answer)}`);
  if (b.rejectShares !== undefined && !Array.isArray(b.rejectShares)) throw new ProfileError('rejectShares must be an array of {"reason", "share"}');
  const rejectShares = ((b.rejectShares ?? []) as Record<string, unknown>[]).map((r, i) => ({
    reason: code(r?.reason, `rejectShares[${i}].reason`, PACS002_REASONS, ''),
    share: share(r?.share, `rejectShares[${i}].share`),
  }));
  const silentShare = share(b.silentShare, 'silentShare');
  if (rejectShares.reduce((sum, r) => sum + r.share, silentShare) > 1 + 1e-9) throw new ProfileError('rejectShares and silentShare sum to more than 1');
  return {
    answer,
    reason: code(b.reason, 'reason', PACS002_REASONS, 'AC03'),
    delay: delayOf(b),
    rejectShares,
    silentShare,
    duplicateShare: share(b.duplicateShare, 'duplicateShare'),
    returnShare: share(b.returnShare, 'returnShare'),
    returnReason: code(b.returnReason, 'returnReason', PACS004_REASONS, 'MD06'),
    returnAfterMs: millis(b.returnAfterMs, 'returnAfterMs', 1000),
  };
}

/** The profile as GET shows it: the same fields PUT takes. */
export function profileJson(p: Profile): Record<string, unknown> {
  const delay = 'fixedMs' in p.delay ? { delayMs: p.delay.fixedMs } : { delay: p.delay };
  return { answer: p.answer, reason: p.reason, ...delay, rejectShares: p.rejectShares, silentShare: p.silentShare, duplicateShare: p.duplicateShare, returnShare: p.returnShare, returnReason: p.returnReason, returnAfterMs: p.returnAfterMs };
}

// z of the 95th percentile of the standard normal.
const Z95 = 1.6448536;

function delayMs(delay: Profile['delay'], random: () => number): number {
  if ('fixedMs' in delay) return delay.fixedMs;
  const mu = Math.log(delay.p50Ms);
  const sigma = (Math.log(delay.p95Ms) - mu) / Z95;
  // Box-Muller: one standard normal from two uniforms.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(MAX_DELAY_MS, Math.round(Math.exp(mu + sigma * normal)));
}

/** One instruction's answer under `profile`. */
export function drawAnswer(profile: Profile, random: () => number = Math.random): Draw {
  let u = random();
  let answer = profile.answer;
  let reason: string | null = answer === 'RJCT' ? profile.reason : null;
  if (u < profile.silentShare) [answer, reason] = ['none', null];
  else {
    u -= profile.silentShare;
    for (const r of profile.rejectShares) {
      if (u < r.share) {
        [answer, reason] = ['RJCT', r.reason];
        break;
      }
      u -= r.share;
    }
  }
  const answered = answer !== 'none';
  return {
    answer,
    reason,
    delayMs: answered ? delayMs(profile.delay, random) : 0,
    duplicate: answered && random() < profile.duplicateShare,
    returnAfterMs: answer === 'ACSP' && random() < profile.returnShare ? profile.returnAfterMs : null,
  };
}
