/**
 * What gzip costs the API per batch, and what it saves: a batch of 10
 * messages (the multipart/mixed body of the ICOM face, the JSON array of the
 * challenge face) read from the bench database and compressed at the level the
 * API uses (src/http/compress.ts), many times over, on this process's CPU.
 */
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { renderMultipartMixed } from '../src/http/icom/multipart.js';
import { MESSAGE_JSON_SQL } from '../src/stream/sql/message-json.js';
import { progress } from './stats.js';

export interface GzipCost {
  face: 'challenge' | 'icom';
  plainBytes: number;
  gzipBytes: number;
  microsecondsPerBatch: number;
}

const ROUNDS = 2000;

function measure(face: GzipCost['face'], body: Buffer): GzipCost {
  gzipSync(body, { level: 1 }); // warm up
  const started = process.hrtime.bigint();
  let gzipBytes = 0;
  for (let i = 0; i < ROUNDS; i++) gzipBytes = gzipSync(body, { level: 1 }).length;
  const micros = Number(process.hrtime.bigint() - started) / 1000 / ROUNDS;
  return { face, plainBytes: body.length, gzipBytes, microsecondsPerBatch: Math.round(micros) };
}

export async function measureGzipCost(databaseUrl: string): Promise<GzipCost[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ xml: string; body: string }>(
      `SELECT m.xml, ${MESSAGE_JSON_SQL} AS body FROM messages m WHERE m.xml IS NOT NULL AND m.kind = 'pacs.008' LIMIT 10`,
    );
    if (rows.length < 10) throw new Error('fewer than 10 stored messages to compress');
    const icom = renderMultipartMixed(rows.map((row) => ({ headers: { 'Content-Type': 'application/xml; charset=utf-8' }, body: row.xml }))).body;
    const challenge = Buffer.from(`[${rows.map((row) => row.body).join(',')}]`);
    const costs = [measure('icom', icom), measure('challenge', challenge)];
    for (const c of costs) progress(`gzip ${c.face}: ${c.plainBytes} -> ${c.gzipBytes} bytes, ${c.microsecondsPerBatch} µs per batch of 10`);
    return costs;
  } finally {
    await client.end();
  }
}
