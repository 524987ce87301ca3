/**
 * sequelize-cli shares the app's migrations (SequelizeMeta) and loads/removes
 * the demo data set. The demo ISPBs are fixed, so this is the only test using them.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { Database } from '../../src/db/database';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../node_modules/.bin/sequelize-cli');
const DEMO_ISPBS = ['11112222', '33334444'];

let db: Database;
beforeAll(() => {
  db = new Database(process.env.DATABASE_URL!, 2, pino({ level: 'silent' }));
});
afterAll(() => db.close());

function sequelizeCli(...args: string[]) {
  return run(CLI, args, { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL } });
}

async function demoCounts(): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT ispb, (SELECT count(*)::int FROM messages m WHERE m.receiver_ispb = ispb) AS messages
       FROM unnest($1::text[]) AS ispb`,
    [DEMO_ISPBS],
  );
  return Object.fromEntries(rows.map((row) => [row.ispb, row.messages]));
}

it('db:migrate finds nothing to do after the app migrated (one SequelizeMeta)', async () => {
  const { stdout } = await sequelizeCli('db:migrate:status');
  expect(stdout).not.toMatch(/^down /m);
  expect(stdout).toMatch(/^up\s+20261125000400-create-messages\.js/m);
});

it('db:seed:all loads the demo set once, and db:seed:undo:all removes exactly it', async () => {
  await sequelizeCli('db:seed:all');
  expect(await demoCounts()).toEqual({ '11112222': 24, '33334444': 6 });
  await sequelizeCli('db:seed:all'); // seeding twice changes nothing
  expect(await demoCounts()).toEqual({ '11112222': 24, '33334444': 6 });
  await sequelizeCli('db:seed:undo:all');
  expect(await demoCounts()).toEqual({ '11112222': 0, '33334444': 0 });
}, 60_000);
