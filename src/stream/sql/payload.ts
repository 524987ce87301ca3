/**
 * A batch's payload as each face sends it, built in the same statement that
 * claims (or replays) it:
 *   challenge  the messages' JSON, built by PostgreSQL, joined with commas into
 *              one text (an array's inside): Node neither parses nor re-serialises it
 *   icom       per message its PI-ResourceId and stored XML, as one JSON array;
 *              a row stored without XML carries its JSON instead, for the engine
 *              to render once and keep (see migrations/…-icom-face.js)
 * Only the asking face's form is built: the other CASE branch is never evaluated,
 * so a challenge pull never reads (detoasts) the XML.
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
 * The `bodies` and `parts` columns over `source` (rows with the message columns,
 * aliased m), for the face in parameter `faceParam`.
 */
export function BODIES_SQL(source: string, faceParam: string): string {
  return `CASE WHEN ${faceParam} = 'challenge' THEN
         (SELECT string_agg(${MESSAGE_JSON_SQL}, ',' ORDER BY m.seq) FROM ${source} m) END AS bodies,
       CASE WHEN ${faceParam} = 'icom' THEN
         (SELECT json_agg(json_build_object('id', m.id, 'resourceId', m.resource_id, 'xml', m.xml,
                                            'json', CASE WHEN m.xml IS NULL THEN ${MESSAGE_JSON_SQL} END) ORDER BY m.seq)
            FROM ${source} m)::text END AS parts`;
}

export function parsePayload(face: StreamFace, row: { bodies: string | null; parts: string | null }): Payload {
  if (face === 'challenge') return { face, bodies: row.bodies ?? '' };
  return { face, parts: row.parts ? (JSON.parse(row.parts) as IcomPart[]) : [] };
}
