/**
 * A batch's payload as each face sends it, built in the same statement that
 * claims (or replays) it:
 *   challenge  the messages' JSON, built by PostgreSQL, joined with commas into
 *              one text (an array's inside): Node neither parses nor re-serialises it
 *   icom       one result row per message: its PI-ResourceId and stored XML as
 *              plain columns; a row stored without XML carries its JSON instead,
 *              for the engine to render once and keep (see migrations/…-icom-face.js)
 * Only the asking face's form is built: the other face's expressions are never
 * evaluated, so a challenge pull never reads (detoasts) the XML.
 *
 * Why rows and not one JSON array for ICOM: 10 XML documents of ~2.5 KB were
 * escaped into JSON by PostgreSQL and parsed back by Node on every pull.
 * Returned as columns they cross as they are stored. PostgreSQL CPU per pull
 * of 10, one connection, both forms alternated twice in one run (embedded
 * PostgreSQL 18, 2 cores): 1,393 and 1,364 µs as a JSON array, 1,284 and
 * 1,268 µs as rows; Node no longer parses 25 KB of JSON per pull either.
 */
import type { StreamFace } from '../../db/models/stream.js';
import { MESSAGE_JSON_SQL } from './message-json.js';

export interface IcomPart {
  id: number;
  resourceId: string;
  /** Null for a row stored before it had XML: `json` is then set. */
  xml: string | null;
  json: string | null;
}

export type Payload = { face: 'challenge'; bodies: string } | { face: 'icom'; parts: IcomPart[] };

/** The challenge's `bodies` column over `source` (rows with the message columns, aliased m), when `faceParam` is the challenge. */
export function BODIES_SQL(source: string, faceParam: string): string {
  return `CASE WHEN ${faceParam} = 'challenge' THEN
         (SELECT string_agg(${MESSAGE_JSON_SQL}, ',' ORDER BY m.seq) FROM ${source} m) END AS bodies`;
}

/**
 * The ICOM parts of `source` as a lateral join adding columns part_id,
 * part_resource_id, part_xml, part_json: one row per message in delivery order
 * when `faceParam` is ICOM, none otherwise (LEFT JOIN it: the statement still
 * answers one row).
 */
export function PARTS_JOIN_SQL(source: string, faceParam: string): string {
  return `LEFT JOIN LATERAL (
         SELECT m.id AS part_id, m.resource_id AS part_resource_id, m.xml AS part_xml,
                CASE WHEN m.xml IS NULL THEN ${MESSAGE_JSON_SQL} END AS part_json, m.seq AS part_seq
           FROM ${source} m WHERE ${faceParam} = 'icom') parts ON true`;
}

/** Orders the parts; for the end of the statement. */
export const PARTS_ORDER_SQL = 'ORDER BY parts.part_seq';

export interface PayloadRow {
  bodies: string | null;
  part_id: string | number | null;
  part_resource_id: string | null;
  part_xml: string | null;
  part_json: string | null;
}

export function parsePayload(face: StreamFace, rows: PayloadRow[]): Payload {
  if (face === 'challenge') return { face, bodies: rows[0]?.bodies ?? '' };
  const parts = rows
    .filter((row) => row.part_id !== null)
    .map((row) => ({ id: Number(row.part_id), resourceId: row.part_resource_id!, xml: row.part_xml, json: row.part_json }));
  return { face, parts };
}
