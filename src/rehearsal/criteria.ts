/**
 * The capacity test's criteria (Roteiro de Participação Direta, item 7, as
 * ../shared/SPI.md gathers it; docs/rehearsal.md): consumption from the
 * stream within 200 ms for ≥ 99 % of messages, as receiver and as payer; as
 * receiver, answers within 1.4 s for ≥ 50 % and within 2.3 s for ≥ 95 %.
 * A criterion with nothing to judge fails: a rehearsal in which P fetched
 * nothing has not shown anything.
 */
import type { Bounds, RoleTally } from './sql/samples.js';

/** The Roteiro's rates, payments a minute each way, by the participant's size. */
export const LEVEL_RATES = { small: 1000, medium: 2000, large: 4000 } as const;
export type Level = keyof typeof LEVEL_RATES;

export const BOUNDS: Bounds = { consumptionMs: 200, answerP50Ms: 1400, answerP95Ms: 2300 };

export interface Criterion {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  /** The share required, the share measured (null: nothing to judge), over how many. */
  required: number;
  share: number | null;
  samples: number;
  boundMs: number;
}

const percent = (share: number) => `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
const seconds = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
const quantile = (label: string, ms: number | null) => (ms === null ? '' : `; ${label} ${Math.round(ms)} ms`);

function criterion(name: string, required: number, boundMs: number, within: number, samples: number, note: string): Criterion {
  const share = samples === 0 ? null : within / samples;
  return {
    name,
    target: `≥ ${percent(required).replace('.0 ', ' ')} within ${seconds(boundMs)}`,
    measured: share === null ? 'nothing to judge' : `${percent(share)} (${within.toLocaleString('en-US')} of ${samples.toLocaleString('en-US')}${note})`,
    pass: share !== null && share >= required,
    required,
    share: share === null ? null : Math.round(share * 10_000) / 10_000,
    samples,
    boundMs,
  };
}

export function scoreCriteria(receiver: RoleTally, payer: RoleTally): Criterion[] {
  const consumption = (role: string, t: RoleTally) =>
    criterion(`consumption as ${role} (available on P's stream → fetched by P)`, 0.99, BOUNDS.consumptionMs, t.consumedInTime, t.available, quantile('p99', t.consumptionP99Ms));
  return [
    consumption('receiver', receiver),
    consumption('payer', payer),
    criterion("P's answer as receiver (pacs.008 fetched → its pacs.002 received)", 0.5, BOUNDS.answerP50Ms, receiver.answeredWithinP50Bound, receiver.instructions, quantile('p50', receiver.answerP50Ms)),
    criterion("P's answer as receiver (pacs.008 fetched → its pacs.002 received)", 0.95, BOUNDS.answerP95Ms, receiver.answeredWithinP95Bound, receiver.instructions, quantile('p95', receiver.answerP95Ms)),
  ];
}
