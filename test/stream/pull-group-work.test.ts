/**
 * A group's statement (src/stream/sql/pull-batch.ts) does work in proportion
 * to its pulls plus the rows they claim, not to their product. Many ISPBs
 * pulling at once make groups of a hundred pulls and a thousand rows; when
 * each claimed row looked for its pull by scanning every pull, and each pull
 * for its payload by scanning every row, such a group took 270 ms on average
 * (many-ISPBs bench, embedded PostgreSQL 18) and the groups fell behind.
 *
 * Measured on the plan PostgreSQL actually ran (EXPLAIN ANALYZE, generic plan,
 * rolled back): the rows every CTE scan read over all its loops, and no node
 * run once per row that filters by an array built inside the statement.
 */
import { randomUUID } from 'node:crypto';
import { insertStream } from '../../src/stream/sql/insert-stream';
import { randomIspb, seedMessages } from '../support/factories';
import { explainGeneric, recordAppGroup, type PlanNode } from '../support/plans';
import { startTestServer, type TestServer } from '../support/server';

const ISPBS = 40;
const STREAMS_PER_ISPB = 3;
const LIMIT = 10;
const PULLS = ISPBS * STREAMS_PER_ISPB;
const ROWS = PULLS * LIMIT;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const actual = (node: PlanNode, key: string) => Number(node[key] ?? 0);

describe.each(['challenge', 'icom'] as const)('a group of %s pulls over many ISPBs', (face) => {
  let plan: PlanNode[];
  beforeAll(async () => {
    const pulls = [];
    for (let i = 0; i < ISPBS; i++) {
      const ispb = randomIspb();
      await seedMessages(server.db, ispb, STREAMS_PER_ISPB * LIMIT);
      for (let s = 0; s < STREAMS_PER_ISPB; s++) {
        const iterationId = randomUUID();
        await insertStream(server.db, ispb, face, iterationId, 60);
        pulls.push({ iterationId, ispb, nextId: randomUUID(), limit: LIMIT, final: false });
      }
    }
    const sent = await recordAppGroup(face, pulls);
    plan = await explainGeneric(server.db, sent.text, sent.values, { analyze: true });
  }, 120_000);

  it(`claims ${ROWS} rows for ${PULLS} pulls`, () => {
    const marked = plan.find((node) => node['Subplan Name'] === 'CTE marked');
    expect(actual(marked!, 'Actual Rows')).toBe(ROWS);
  });

  it('reads each CTE a bounded number of times, never once per pull or per row', () => {
    const cteScans = plan.filter((node) => node['Node Type'] === 'CTE Scan');
    const read = (node: PlanNode) => (actual(node, 'Actual Rows') + actual(node, 'Rows Removed by Filter')) * actual(node, 'Actual Loops');
    const heavy = cteScans.filter((node) => read(node) > 2 * (PULLS + ROWS)).map((node) => ({ cte: node['CTE Name'], rowsRead: read(node), loops: node['Actual Loops'] }));
    expect(heavy).toEqual([]);
  });

  it('searches no array once per claimed row', () => {
    const conditions = (node: PlanNode) => ['Filter', 'Index Cond', 'Join Filter', 'Recheck Cond'].map((key) => String(node[key] ?? ''));
    const perRow = plan.filter((node) => actual(node, 'Actual Loops') > PULLS);
    expect(perRow.flatMap(conditions).filter((condition) => /= ANY \(/.test(condition))).toEqual([]);
  });
});
