/**
 * `pix-stream/client` as a bank's service gets it: the package linked into a
 * fresh project's node_modules, resolved through package.json "exports" by
 * plain Node (require and import), and compiled against its .d.ts by tsc.
 * `npm test` builds dist/ first.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PROJECT = path.resolve(__dirname, '../..');
const TSC = path.join(PROJECT, 'node_modules/typescript/bin/tsc');

// Ten lines a consumer writes. The @ts-expect-error line proves the types are real: were
// they `any`, the assignment would compile and the unused directive would fail the build.
const CONSUMER = `import { openStream, type ChallengeMessage, type IcomMessage } from 'pix-stream/client';
export async function drain(baseUrl: string, signal: AbortSignal): Promise<number> {
  let count = 0;
  for await (const batch of openStream({ baseUrl, ispb: 'AB12CD34', face: 'icom', multipart: true, signal })) {
    const messages: IcomMessage[] = batch.messages;
    // @ts-expect-error ICOM batches hold { resourceId, xml }, not challenge JSON
    const wrong: ChallengeMessage[] = batch.messages;
    count += messages.length + wrong.length;
    if (batch.status === 204) break;
  }
  return count;
}
`;

let consumer: string;
beforeAll(() => {
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'pix-stream-consumer-'));
  fs.mkdirSync(path.join(consumer, 'node_modules/@types'), { recursive: true });
  fs.symlinkSync(PROJECT, path.join(consumer, 'node_modules/pix-stream'), 'dir');
  fs.symlinkSync(path.join(PROJECT, 'node_modules/@types/node'), path.join(consumer, 'node_modules/@types/node'), 'dir');
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  fs.writeFileSync(path.join(consumer, 'consumer.ts'), CONSUMER);
});
afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: consumer, encoding: 'utf8' });
}

it('require.resolve finds the compiled client through "exports", and require and import both see openStream', () => {
  const script = `const m = require('pix-stream/client');
    console.log(JSON.stringify({ path: require.resolve('pix-stream/client'), main: require.resolve('pix-stream'), openStream: typeof m.openStream }));`;
  expect(JSON.parse(node(['-e', script]))).toEqual({
    path: path.join(PROJECT, 'dist/src/client/index.js'),
    main: path.join(PROJECT, 'dist/src/main.js'),
    openStream: 'function',
  });
  const esm = `import { openStream, DedupeWindow, StreamError } from 'pix-stream/client'; console.log(typeof openStream, typeof DedupeWindow, typeof StreamError);`;
  expect(node(['--input-type=module', '-e', esm]).trim()).toBe('function function function');
});

it.each([
  ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true }],
  // Older projects resolve without "exports": "typesVersions" points them at the same .d.ts. This
  // one also checks the .d.ts files themselves, without esModuleInterop (the slow part: all of @types/node).
  ['node10', { module: 'commonjs', moduleResolution: 'node10', skipLibCheck: false }],
])('a consumer compiles against the .d.ts (moduleResolution %s)', (name, resolution) => {
  const tsconfig = path.join(consumer, `tsconfig.${name}.json`);
  const compilerOptions = { ...resolution, target: 'es2022', strict: true, noEmit: true, types: ['node'] };
  fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
  try {
    execFileSync(process.execPath, [TSC, '-p', tsconfig], { cwd: consumer, encoding: 'utf8' });
  } catch (err) {
    throw new Error(`tsc failed:\n${(err as { stdout?: string }).stdout ?? String(err)}`);
  }
}, 120_000);
