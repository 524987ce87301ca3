/**
 * `pix-stream collect --icom` end to end: the compiled CLI as a child process
 * against a stub of the ICOM face (test/support/icom-stub.ts; the face itself
 * is not in this branch yet). What the output holds must be exactly what the
 * stub saw acknowledged, each PI-ResourceId once. `npm test` builds dist/ first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newResourceId } from '../../src/iso20022/ids';
import { runCli } from '../support/cli-process';
import { startIcomStub, type CannedMessage, type IcomStub } from '../support/icom-stub';

const ISPB = 'AB12CD34';

function canned(count: number): CannedMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    resourceId: newResourceId(),
    xml: `<?xml version="1.0" encoding="UTF-8"?><Envelope><EndToEndId>E${i}</EndToEndId><Ustrd>${'y'.repeat(150)}</Ustrd></Envelope>`,
  }));
}

let tmp: string;
let stub: IcomStub;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pix-stream-cli-icom-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => stub?.close());

it('--icom --multipart --out: one XML message per line, a redelivered PI-ResourceId counted and not written twice', async () => {
  const messages = canned(24);
  // A line break in element text: written as &#10; so the message stays on its line.
  messages[3] = { ...messages[3]!, xml: '<?xml version="1.0"?>\n<Envelope>\n  <Ustrd>two\r\nlines</Ustrd>\n</Envelope>\n' };
  stub = await startIcomStub({ ispb: ISPB, messages: [...messages.slice(0, 12), messages[5]!, ...messages.slice(12)] });
  const out = path.join(tmp, 'icom.xml-lines');

  const run = await runCli(['collect', '--icom', '--ispb', ISPB, '--multipart', '--collectors', '2', '--out', out, '--idle-exit', '1', '--base-url', stub.url]);

  expect(run).toMatchObject({ code: 0 });
  const lines = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
  const expected = messages.map((m) => m.xml);
  expected[3] = '<?xml version="1.0"?> <Envelope>&#10;  <Ustrd>two&#10;lines</Ustrd>&#10;</Envelope> ';
  // Two collectors append batch by batch: the batches may land in either order.
  expect(lines.sort()).toEqual(expected.sort());
  expect(run.stdout).toMatch(/^messages\s+24$/m);
  expect(run.stdout).toMatch(/^duplicates\s+1$/m);
  expect(run.stdout).toMatch(/^streams\s+2 closed$/m);
  expect(stub.acknowledged).toHaveLength(25); // the redelivery is acknowledged too
  expect(stub.requests[0]).toBe(`GET /api/v1/out/${ISPB}/stream/start multipart/mixed gzip`);
  expect(stub.gzipped).toBeGreaterThan(0);
});

it('--icom --out-dir: one file per message, named after its PI-ResourceId made filename-safe', async () => {
  const messages = canned(5);
  messages[0] = { ...messages[0]!, resourceId: 'UEkB/../+x=' };
  stub = await startIcomStub({ ispb: ISPB, messages });
  const dir = path.join(tmp, 'out-dir');

  const run = await runCli(['collect', '--icom', '--ispb', ISPB, '--collectors', '1', '--out-dir', dir, '--fsync', '--idle-exit', '1', '--base-url', stub.url]);

  expect(run).toMatchObject({ code: 0 });
  expect(fs.readdirSync(dir).sort()).toEqual(
    ['UEkB%2F%2E%2E%2F%2Bx%3D.xml', ...messages.slice(1).map((m) => `${m.resourceId.replace(/\+/g, '%2B').replace(/\//g, '%2F')}.xml`)].sort(),
  );
  expect(fs.readFileSync(path.join(dir, 'UEkB%2F%2E%2E%2F%2Bx%3D.xml'), 'utf8')).toBe(messages[0]!.xml);
  expect(run.stdout).toMatch(new RegExp(`^output\\s+${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/$`, 'm'));
  expect(stub.acknowledged).toHaveLength(5);
});

it('a message that cannot be put on one line fails the run without acknowledging it', async () => {
  const messages = canned(3);
  messages[1] = { ...messages[1]!, xml: '<Envelope><!-- a\ncomment --></Envelope>' };
  stub = await startIcomStub({ ispb: ISPB, messages });
  const out = path.join(tmp, 'refused.xml-lines');

  const run = await runCli(['collect', '--icom', '--ispb', ISPB, '--collectors', '1', '--out', out, '--idle-exit', '1', '--base-url', stub.url]);

  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/a line break inside a comment .*--out-dir writes such messages whole\); that batch is released on close/);
  expect(fs.readFileSync(out, 'utf8')).toBe(`${messages[0]!.xml}\n`);
  expect(stub.acknowledged).toEqual([messages[0]!.resourceId]);
});

it.each([
  [['collect', '--icom', '--ispb', 'ab12cd34'], /--ispb must be 8 characters of 0-9 and A-Z with --icom/],
  [['collect', '--ispb', ISPB], /--ispb must be exactly 8 digits/],
  [['collect', '--ispb', '12345678', '--out-dir', 'x'], /--out-dir .* needs --icom/],
  [['collect', '--icom', '--ispb', ISPB, '--out', 'a', '--out-dir', 'b'], /--out and --out-dir exclude each other/],
])('%j exits 2 with a message on stderr', async (args, message) => {
  const run = await runCli(args);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
});
