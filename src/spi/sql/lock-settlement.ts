/** An instruction the SPI holds, locked for this transaction (its answer, its deadline and its returns are decided one at a time). */
import type { Queryable } from '../../db/database.js';
import { SETTLEMENT_COLUMNS, type Settlement } from './settlement-row.js';

export async function lockSettlement(db: Queryable, instructionId: string): Promise<Settlement | undefined> {
  const { rows } = await db.query<Settlement>(
    { name: 'spi-lock-settlement', text: `SELECT ${SETTLEMENT_COLUMNS} FROM settlements WHERE instruction_id = $1 FOR UPDATE` },
    [instructionId],
  );
  return rows[0];
}

/** The instructions of these ids, unlocked (a credit transfer posted again: is it the one held?). */
export async function readSettlements(db: Queryable, instructionIds: readonly string[]): Promise<Map<string, Settlement>> {
  if (instructionIds.length === 0) return new Map();
  const { rows } = await db.query<Settlement>(
    { name: 'spi-read-settlements', text: `SELECT ${SETTLEMENT_COLUMNS} FROM settlements WHERE instruction_id = ANY ($1::text[])` },
    [instructionIds],
  );
  return new Map(rows.map((row) => [row.instructionId, row]));
}
