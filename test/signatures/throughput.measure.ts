/**
 * Signings and verifications per second of a pacs.008 (1.8 KB unsigned,
 * 3.5 KB signed), one core, best of several one-second runs (a shared host
 * is noisy: the best run is the one least disturbed). Not part of the suite:
 *
 *   npx jest --testMatch '**' '/throughput.measure.ts' test/signatures   (one argument: **\/throughput.measure.ts)
 *
 * Variants: verification with the parsed-certificate cache (warm) and
 * without it (every certificate parsed again, certificateCache: null), with
 * one registered certificate and with three; signing with a prepared signer
 * (key and certificate parsed once) and one-off (parsed on every call).
 */
import { createSigner, signMessage, verifySignature, CertificateCache } from '../../src/signatures';
import { cert, key, NOW, pacs008, PARTICIPANT_ISPB } from './support';

const RUNS = Number(process.env.RUNS ?? 7);
const RUN_MS = Number(process.env.RUN_MS ?? 1000);

function perSecond(work: () => void): { best: number; median: number } {
  for (let i = 0; i < 50; i++) work(); // warm-up: JIT, caches
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let count = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < RUN_MS) {
      work();
      count++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    }
    rates.push((count * 1000) / elapsed);
  }
  rates.sort((a, b) => a - b);
  return { best: rates[rates.length - 1]!, median: rates[Math.floor(rates.length / 2)]! };
}

test('signature throughput', () => {
  const unsigned = pacs008();
  const credentials = { privateKey: key('participant'), certificatePem: cert('participant') };
  const signer = createSigner(credentials);
  const signed = signer.sign(unsigned);
  const one = [cert('participant')];
  const three = [cert('participant-expired'), cert('participant-other-ispb'), cert('participant')];
  const options = { expectedSender: PARTICIPANT_ISPB, now: NOW };
  const cache = new CertificateCache();
  expect(verifySignature(signed, { ...options, certificates: one, certificateCache: cache }).verdict).toBe('valid');

  const rows: Array<[string, { best: number; median: number }]> = [
    ['verify, certificate cache, 1 registered', perSecond(() => verifySignature(signed, { ...options, certificates: one, certificateCache: cache }))],
    ['verify, no cache, 1 registered', perSecond(() => verifySignature(signed, { ...options, certificates: one, certificateCache: null }))],
    ['verify, certificate cache, 3 registered', perSecond(() => verifySignature(signed, { ...options, certificates: three, certificateCache: cache }))],
    ['verify, no cache, 3 registered', perSecond(() => verifySignature(signed, { ...options, certificates: three, certificateCache: null }))],
    ['sign, prepared signer', perSecond(() => signer.sign(unsigned))],
    ['sign, one-off (key and certificate parsed each time)', perSecond(() => signMessage(unsigned, credentials))],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write(
    `\npacs.008 ${Buffer.byteLength(unsigned)} B unsigned, ${Buffer.byteLength(signed)} B signed; ${RUNS} runs of ${RUN_MS} ms, one core\n` +
      rows.map(([name, r]) => `${name.padEnd(width)}  best ${r.best.toFixed(0).padStart(6)}/s  median ${r.median.toFixed(0).padStart(6)}/s`).join('\n') +
      '\n',
  );
}, 600_000);
