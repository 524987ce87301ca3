/**
 * The hot path: pulls on pull-next URIs, ONE statement for a whole group of
 * them (one round trip, no BEGIN/COMMIT, prepared once per connection). For
 * each pull of the group it
 *   1. locks the iteration and its stream (a retry, a close or the reaper wait),
 *   2. acknowledges the iteration's batch if not yet acknowledged (one write, on
 *      the iteration: see migrations/…-create-messages.js for why not per message),
 *   3. claims up to its `limit` pending messages of its ISPB, on their narrow
 *      rows in `deliveries` (migrations/…-deliveries.js; SKIP LOCKED: collectors
 *      of one ISPB never wait on, or double-claim, each other's rows),
 *   4. records them as the batch of a new iteration linked from this one,
 * and returns each batch in the face's form (payload.ts): the challenge's JSON,
 * built by PostgreSQL and joined into one text; ICOM's XML, one row per message.
 * Steps 2-4 run only for the stream's current iteration (../verdict.ts); each
 * pull's row carries the facts its verdict is decided on.
 *
 * Why groups (../pull-group.ts gathers the pulls that arrive while a group is
 * in flight): pulls of one ISPB in one group claim together, one index walk
 * for all of them, handed out in turn (slot ranges below), and the group pays
 * for one statement, one commit and one round trip. Separate claims of six
 * collectors also walk over each other's locked rows.
 *
 * The statement's text, and how it stays cheap at any size: pull-batch-sql.ts.
 *
 * Why one statement: measured with 6 direct collectors on 2 cores (bench/), the
 * five round trips of BEGIN; lock; ack; claim; COMMIT capped the database at
 * about 9,000 messages/s, each statement's parse and plan included.
 * Every part looks rows up by key, so the generic plan is as good as a custom
 * one and PostgreSQL stops re-planning the prepared statement after a few runs.
 */
import type { Queryable } from '../../db/database.js';
import { retryOnDeadlock } from '../../db/deadlock.js';
import type { StreamFace } from '../../db/models/stream.js';
import { NO_FLOOR } from '../claim-floors.js';
import { judgeIteration } from '../verdict.js';
import { PULL_SQL } from './pull-batch-sql.js';
import { type Payload, type PayloadRow, parsePayload } from './payload.js';

export interface PullRequest {
  iterationId: string;
  ispb: string;
  /** The face asking: a stream is followed only through the face that opened it, and answers in its format. */
  face: StreamFace;
  /** Id of the iteration handed out if this pull answers. */
  nextId: string;
  limit: number;
  /** Answer even with nothing claimed (the long poll is over: 204). */
  final: boolean;
  /** Read the ISPB's pending rows from this seq on (../claim-floors.ts); NO_FLOOR: from the first. */
  floor?: string;
}

export type PullResult =
  | { kind: 'unknown' }
  | { kind: 'ended'; status: 'closed' | 'expired' }
  | { kind: 'answered-before'; streamId: number; nextId: string }
  | { kind: 'nothing-yet'; acked: number }
  | { kind: 'delivered'; streamId: number; count: number; payload: Payload; redelivered: number; acked: number };

/** What a group's claim of one ISPB leaves for the next: the first seq it took, or null when it found fewer rows than wanted. */
export interface ClaimEnd {
  ispb: string;
  nextFloor: string | null;
}

interface PullRow extends PayloadRow {
  ord: string | number;
  ispb: string | null;
  status: 'open' | 'closed' | 'expired' | null;
  face: StreamFace | null;
  stream_id: number | null;
  next_id: string | null;
  next_floor: string | null;
  /** The statement inserted this pull's next iteration: it claimed rows, or it was final. */
  answered: boolean;
  /** Messages this pull acknowledged (when it was the stream's current pull); null when there was nothing to acknowledge. */
  acked: number | null;
  count: number;
  redelivered: number;
}

/**
 * A claim can be a deadlock victim: claims skip each other's rows, but one can
 * still wait on a row being released by a closing stream, and PostgreSQL breaks
 * such a rare cycle. The statement is its own transaction, so it runs again.
 */
function runPulls(db: Queryable, face: StreamFace, pulls: readonly PullRequest[]) {
  const values = [
    pulls.map((pull) => pull.iterationId),
    pulls.map((pull) => pull.ispb),
    pulls.map((pull) => pull.nextId),
    pulls.map((pull) => pull.limit),
    pulls.map((pull) => pull.final),
    pulls.map((pull) => pull.floor ?? NO_FLOOR),
    face,
  ];
  return retryOnDeadlock(() => db.query<PullRow>({ ...PULL_SQL[face], values }));
}

/**
 * Runs a group of pulls of one face, each naming a different iteration, in one
 * statement; results in the order of `pulls`, and where each ISPB's claim ended.
 */
export async function pullBatches(
  db: Queryable,
  face: StreamFace,
  pulls: readonly PullRequest[],
): Promise<{ results: PullResult[]; claimEnds: ClaimEnd[] }> {
  if (new Set(pulls.map((pull) => pull.iterationId)).size !== pulls.length) throw new Error('a group of pulls names an iteration twice');
  const { rows } = await runPulls(db, face, pulls);
  const byPull: PullRow[][] = pulls.map(() => []);
  for (const row of rows) byPull[Number(row.ord) - 1].push(row);
  const results = pulls.map((pull, index) => judgePull(pull, byPull[index]));
  const claimEnds = new Map<string, string | null>();
  results.forEach((result, index) => {
    if (result.kind === 'delivered' || result.kind === 'nothing-yet') claimEnds.set(pulls[index].ispb, byPull[index][0].next_floor);
  });
  return { results, claimEnds: [...claimEnds].map(([ispb, nextFloor]) => ({ ispb, nextFloor })) };
}

/** One pull on its own (a group of one). */
export async function pullBatch(db: Queryable, pull: PullRequest): Promise<PullResult> {
  return (await pullBatches(db, pull.face, [pull])).results[0];
}

function judgePull(pull: PullRequest, rows: PullRow[]): PullResult {
  const row = rows[0];
  const facts = row.ispb === null ? null : { ispb: row.ispb, face: row.face!, streamStatus: row.status!, nextId: row.next_id };
  switch (judgeIteration(facts, pull.ispb, pull.face)) {
    case 'unknown':
      return { kind: 'unknown' };
    case 'ended':
      return { kind: 'ended', status: row.status as 'closed' | 'expired' };
    case 'answered-before':
      return { kind: 'answered-before', streamId: row.stream_id!, nextId: row.next_id! };
    case 'current':
      break;
  }
  if (!row.answered) return { kind: 'nothing-yet', acked: row.acked ?? 0 };
  return {
    kind: 'delivered',
    streamId: row.stream_id!,
    count: row.count,
    payload: parsePayload(pull.face, rows),
    redelivered: row.redelivered,
    acked: row.acked ?? 0,
  };
}
