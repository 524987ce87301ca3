/** The table rows of the retention and soak steps (report.ts prints them). */
import type { RetentionBenchResult } from './retention.js';
import type { SoakResult } from './soak.js';
import type { Row } from './report.js';
import { RETENTION_BATCH_DEFAULT } from '../src/config.js';
import { RETENTION_REST_RATIO } from '../src/jobs/drop-acknowledged.js';

export type { RetentionBenchResult };

const na = 'not measured';
const fmt = (value: number) => value.toLocaleString('en-US');
const lat = (l: { p50Ms: number; p99Ms: number }) => `p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms`;

export function retentionRows(r: RetentionBenchResult | undefined, s: SoakResult | undefined): Row[] {
  const rows = r ? fmt(r.rows) : '10,000,000';
  const out: Row[] = [];
  out.push({ figure: `retention: ${rows} acknowledged rows seeded`, value: r ? `${r.seedSeconds} s + VACUUM ANALYZE ${r.vacuumSeconds} s` : na, target: '' });
  out.push({ figure: '  pull (ack+claim), rows present', value: r ? lat(r.before.claim) : na, target: '' });
  out.push({ figure: '  drain 6 multipart, rows present', value: r ? `${fmt(r.before.drain.messagesPerSecond)} msg/s${r.before.drain.ok ? '' : ' ✗ exactly-once FAILED'}` : na, target: 'exactly once', pass: r?.before.drain.ok });
  out.push({
    figure: `  retention run (batches of ${fmt(r?.run.batch ?? RETENTION_BATCH_DEFAULT)} iterations, rest ${r?.run.restRatio ?? RETENTION_REST_RATIO}x)`,
    value: r ? `${fmt(r.run.rowsPerSecond)} rows/s (${fmt(r.run.messagesPerSecond)} messages/s): ${fmt(r.run.messages)} messages, ${fmt(r.run.iterations)} iterations, ${r.run.streams} streams in ${r.run.seconds} s` : na,
    target: 'all history gone',
    pass: r && r.leftOver === 0,
  });
  out.push({
    figure: '  pull while retention runs',
    value: r ? `${lat(r.claimDuring)} (${r.claimDuring.samples} paced pulls)` : na,
    target: 'p99 <= 2x before',
    pass: r && r.claimDuring.p99Ms <= 2 * r.before.claim.p99Ms,
  });
  out.push({ figure: '  pull after retention', value: r ? lat(r.after.claim) : na, target: 'p50 <= 1.5x before', pass: r && r.after.claim.p50Ms <= 1.5 * r.before.claim.p50Ms });
  out.push({
    figure: '  drain 6 multipart, after',
    value: r ? `${fmt(r.after.drain.messagesPerSecond)} msg/s${r.after.drain.ok ? '' : ' ✗ exactly-once FAILED'}` : na,
    target: '>= 0.8x before, exactly once',
    pass: r && r.after.drain.ok && r.after.drain.messagesPerSecond >= 0.8 * r.before.drain.messagesPerSecond,
  });
  out.push({
    figure: '  messages + iterations size',
    value: r ? `${r.before.messagesMiB} + ${r.before.iterationsMiB} MiB before, ${r.after.messagesMiB} + ${r.after.iterationsMiB} MiB after (space kept for reuse)` : na,
    target: '',
  });
  out.push({
    figure: `soak: ${s ? `${fmt(s.rate)} msg/s for ${s.seconds} s` : 'half the drain, 600 s'}, RETENTION_HOURS=0.01`,
    value: s ? `${fmt(s.sender.messages)} sent, ${fmt(s.unique)} delivered, ${s.duplicates} dup, ${s.dropped} POSTs dropped` : na,
    target: 'delivered = sent, 0 dup',
    pass: s && s.unique === s.sender.messages && s.duplicates === 0,
  });
  out.push({
    figure: '  messages + iterations MiB, per sample',
    value: s ? s.samples.map((x) => `${x.atS}s ${x.messagesMiB}+${x.iterationsMiB} (${fmt(x.pending)} pending)`).join(' | ').slice(0, 600) : na,
    target: 'last 3 grow < 5 %, < 5 s pending',
    pass: s?.flat,
  });
  return out;
}
