import type PgBoss from 'pg-boss';
import { retryOnDeadlock } from '../db/deadlock.js';

/**
 * Creates a queue unless it exists. pg-boss creates each queue (and its
 * partition) in one transaction, and two processes starting together on a
 * fresh database deadlocked there (40P01: an API process failed to start in
 * the crash test). The victim was rolled back; on its second run it finds the
 * queue made and leaves it.
 */
export function createQueue(boss: PgBoss, name: string, policy: 'short' | 'standard'): Promise<void> {
  return retryOnDeadlock(() => boss.createQueue(name, { name, policy }));
}
