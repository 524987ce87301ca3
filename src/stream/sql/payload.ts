/**
 * A batch's payload as each face sends it, built in the same statement that
 * claims (or replays) it:
 *   challenge  the messages' JSON, built by PostgreSQL, joined with commas into
 *              one text (an array's inside): Node neither parses nor re-serialises it
 *   icom       one result row per message: its PI-ResourceId and stored XML as
 *              plain columns; a row stored without XML carries its JSON instead,
 *              for the engine to render once and keep (see migrations/…-icom-face.js)
 * Only the asking face's form is in its statement (payloadSql), so a challenge
 * pull never reads (detoasts) the XML.
 *
 * Why rows and not one JSON array for ICOM: in an array, 10 XML documents of
 * ~2.5 KB are escaped into JSON by PostgreSQL and parsed back by Node on every
 * pull; as columns they cross as they are stored (docs/performance.md, Measurement history).
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

/**
 * The payload part of a statement over `source` (one batch's rows with the
 * message columns, aliased m), for one face: `columns` for its select list,
 * `join` to follow its FROM, `orderKey` for its ORDER BY:
 *   challenge  one column, bodies: the JSON texts joined in delivery order
 *   icom       a lateral join adding part_id, part_resource_id, part_xml,
 *              part_json: one row per message in delivery order (LEFT JOIN: an
 *              empty batch still answers one row)
 * Each face's statement holds its own form only: in one text holding both,
 * switched by the face parameter, PostgreSQL sets up the other face's plan
 * nodes on every run (docs/performance.md, Measurement history).
 */
/** The JSON stored with the message (migrations/…-message-json.js), else built here from its columns and parties. */
const STORED_OR_BUILT_JSON = `coalesce(m.json, ${MESSAGE_JSON_SQL})`;

export interface PayloadSql {
  columns: string;
  join: string;
  /** '' or the key that orders a batch's rows. */
  orderKey: string;
}

/** The challenge face's payload of rows `m`, as an aggregate: their JSON texts joined in delivery order. */
export const CHALLENGE_BODIES = `string_agg(${STORED_OR_BUILT_JSON}, ',' ORDER BY m.seq)`;

/** The ICOM face's payload columns of one row `m` (one result row per message). */
export const ICOM_PART_COLUMNS = `m.id AS part_id, m.resource_id AS part_resource_id, m.xml AS part_xml,
                CASE WHEN m.xml IS NULL THEN ${STORED_OR_BUILT_JSON} END AS part_json, m.seq AS part_seq`;

export function payloadSql(face: StreamFace, source: string): PayloadSql {
  if (face === 'challenge') {
    return { columns: `(SELECT ${CHALLENGE_BODIES} FROM ${source} m) AS bodies`, join: '', orderKey: '' };
  }
  return {
    columns: 'parts.*',
    join: `LEFT JOIN LATERAL (SELECT ${ICOM_PART_COLUMNS} FROM ${source} m) parts ON true`,
    orderKey: 'parts.part_seq',
  };
}

/** A result row's payload columns: `bodies` on the challenge face, the part_ columns on ICOM. */
export interface PayloadRow {
  bodies?: string | null;
  part_id?: string | number | null;
  part_resource_id?: string | null;
  part_xml?: string | null;
  part_json?: string | null;
}

export function parsePayload(face: StreamFace, rows: PayloadRow[]): Payload {
  if (face === 'challenge') return { face, bodies: rows[0]?.bodies ?? '' };
  const parts = rows
    .filter((row) => row.part_id != null)
    .map((row) => ({ id: Number(row.part_id), resourceId: row.part_resource_id!, xml: row.part_xml ?? null, json: row.part_json ?? null }));
  return { face, parts };
}
