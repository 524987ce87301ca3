/**
 * ICOM messages of a batch, ready to send: each with its PI-ResourceId and its
 * XML. A row stored before it had XML (an older version's data, a seeder's) is
 * rendered here the first time it is delivered, and the rendering is kept, so
 * every later delivery, replays included, carries the same document.
 */
import type { Queryable } from '../db/database.js';
import { renderForwardedPacs008 } from '../iso20022/pacs008.js';
import type { PixMessage } from '../iso20022/message.js';
import type { IcomPart } from './sql/payload.js';
import { storeXml } from './sql/store-xml.js';

export interface IcomMessage {
  resourceId: string;
  xml: string;
}

export async function completeIcomParts(db: Queryable, parts: IcomPart[]): Promise<IcomMessage[]> {
  const missing = parts.filter((part) => part.xml === null);
  if (missing.length > 0) {
    const kept = await storeXml(
      db,
      missing.map((part) => ({ id: part.id, xml: renderForwardedPacs008(JSON.parse(part.json!) as PixMessage) })),
    );
    for (const part of missing) part.xml = kept.get(part.id) ?? null;
  }
  return parts.map((part) => ({ resourceId: part.resourceId, xml: part.xml! }));
}
