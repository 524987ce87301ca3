/**
 * Fills the store with realistic random messages for one receiving ISPB.
 * Clients come from a pool per ISPB that is topped up, not recreated, so
 * repeated generations look like the same customers paying again.
 * Inserts go in chunks, one transaction each, and each committed chunk wakes
 * the receiver (../stream/wakes.ts): collectors already waiting start on the
 * first chunk.
 */
import type { Database, Queryable } from '../db/database.js';
import type { Waker } from '../stream/wakes.js';
import { endToEndId, txId } from './rules/ids.js';
import { randomCampoLivre, randomParty } from './rules/parties.js';
import { PARTICIPANTS } from './rules/participants.js';
import { pick, randomInt, randomValor } from './rules/random.js';
import * as repo from './sql/insert-messages.js';
import { renderForwardedPacs008 } from '../iso20022/pacs008.js';
import { renderMessageJson, type Party } from '../iso20022/message.js';

const CHUNK_SIZE = 5000;
const GENERATION_LANES = 2;
const RECEIVER_POOL_SIZE = 50;
const PAYER_POOL_SIZE = 300;
const PAYER_ISPBS = PARTICIPANTS.map((participant) => participant.ispb);
function party({ id: _id, ...fields }: repo.PoolClient): Party {
  return fields as Party;
}

function randomMessage(payer: repo.PoolClient, receiver: repo.PoolClient, now: number): repo.NewMessage {
  const paidAt = new Date(now - randomInt(0, 300_000));
  const campoLivre = randomCampoLivre();
  const message = {
    endToEndId: endToEndId(payer.ispb, paidAt),
    valor: randomValor(),
    pagador: party(payer),
    recebedor: party(receiver),
    campoLivre,
    txId: txId(),
    dataHoraPagamento: paidAt.toISOString(),
  };
  // Both forms are rendered here, once, from the very values stored in the columns.
  const xml = renderForwardedPacs008(message, new Date(now));
  return { ...message, payerId: payer.id, receiverId: receiver.id, paidAt, xml, json: renderMessageJson(message) };
}

/**
 * Full pools this process has read, per database and ISPBs: a generation
 * reuses them without a query. Why: finding a pool sorts every client of its
 * ISPBs, and ICOM inbound adds two clients per transfer: after 20,000 of them,
 * reading the pools again put insert -> delivery at p50 88.52 ms (docs/performance.md, Levers kept).
 * Clients are never deleted, so a kept pool stays valid. The receivers' pools
 * are kept for the most recent KEPT_POOLS ISPBs.
 */
const keptPools = new WeakMap<Database, Map<string, repo.PoolClient[]>>();
const KEPT_POOLS = 1000;

async function clientPool(db: Database, ispbs: readonly string[], size: number): Promise<repo.PoolClient[]> {
  const key = `${ispbs.join(',')}/${size}`;
  let kept = keptPools.get(db);
  if (!kept) keptPools.set(db, (kept = new Map()));
  const pool = kept.get(key) ?? (await findOrTopUp(db, ispbs, size));
  kept.delete(key); // re-inserted: the Map's order is then least recently used first
  kept.set(key, pool);
  if (kept.size > KEPT_POOLS) kept.delete(kept.keys().next().value!);
  return pool;
}

async function findOrTopUp(db: Database, ispbs: readonly string[], size: number): Promise<repo.PoolClient[]> {
  const existing = await repo.findClients(db, ispbs, size);
  if (existing.length >= size) return existing;
  const fresh = Array.from({ length: size - existing.length }, () => randomParty(pick(ispbs)));
  return existing.concat(await repo.insertClients(db, fresh));
}

export interface GenerateOptions {
  /** Runs inside each chunk's transaction, so progress commits with the rows it counts. */
  onChunk?: (client: Queryable, inserted: number) => Promise<void>;
  /** After each chunk commits. */
  onCommitted?: (inserted: number) => void;
  /** Checked between chunks: true stops the work at a chunk boundary (the result then falls short of `count`). */
  shouldStop?: () => boolean;
}

export async function generateMessages(
  db: Database,
  waker: Waker,
  receiverIspb: string,
  count: number,
  options: GenerateOptions = {},
): Promise<number> {
  const receivers = await clientPool(db, [receiverIspb], Math.min(RECEIVER_POOL_SIZE, count));
  const payers = await clientPool(db, PAYER_ISPBS, PAYER_POOL_SIZE);
  let unclaimed = count;
  let created = 0;
  // Two lanes: one builds its next chunk in JS while the other's INSERT runs in PostgreSQL.
  const lane = async () => {
    while (unclaimed > 0) {
      if (options.shouldStop?.()) return;
      const size = Math.min(CHUNK_SIZE, unclaimed);
      unclaimed -= size;
      const now = Date.now();
      const chunk = Array.from({ length: size }, () => randomMessage(pick(payers), pick(receivers), now));
      const inserted = await db.transaction(async (client) => {
        const rows = await repo.insertMessages(client, receiverIspb, chunk);
        await options.onChunk?.(client, rows);
        return rows;
      });
      created += inserted;
      if (inserted) waker.wake([receiverIspb]);
      options.onCommitted?.(inserted);
      // A duplicate endToEndId (astronomically rare) was skipped by the insert: make it up.
      unclaimed += size - inserted;
    }
  };
  // Let both lanes settle before reporting, so nothing still writes after we return.
  const lanes = await Promise.allSettled(Array.from({ length: GENERATION_LANES }, lane));
  const failed = lanes.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return created;
}
