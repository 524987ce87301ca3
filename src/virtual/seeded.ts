/**
 * A random source seeded by a string (SHA-256 of it, then mulberry32): the
 * same instruction always draws the same answer, so a batch fetched again
 * after a crash plans what the first fetch planned.
 */
import { createHash } from 'node:crypto';

export function seededRandom(key: string): () => number {
  let state = createHash('sha256').update(key).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
