/**
 * Keeps the XML rendered for rows stored without it, so each is rendered once.
 * Returns the XML each row now holds: ours, or, where a concurrent delivery
 * of the same row (a replay racing its original) stored one first, that one.
 */
import type { Queryable } from '../../db/database.js';

export async function storeXml(db: Queryable, rendered: { id: number; xml: string }[]): Promise<Map<number, string>> {
  const { rows } = await db.query<{ id: number; xml: string }>(
    `WITH r AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS r (id, xml)),
          stored AS (UPDATE messages m SET xml = r.xml FROM r WHERE m.id = r.id AND m.xml IS NULL RETURNING m.id)
     SELECT m.id, CASE WHEN m.id IN (SELECT id FROM stored) THEN r.xml ELSE coalesce(m.xml, r.xml) END AS xml
       FROM messages m JOIN r ON r.id = m.id`,
    [rendered.map((row) => row.id), rendered.map((row) => row.xml)],
  );
  return new Map(rows.map((row) => [row.id, row.xml]));
}
