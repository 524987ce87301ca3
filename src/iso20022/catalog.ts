/**
 * ICOM's catalogue routes: which message versions the interface takes
 * (GET /api/v1/in/catalog) and which it hands out (GET /api/v1/out/catalog),
 * as `<Catalog><Message>pacs.008.spi.1.16</Message>…</Catalog>`, the form the
 * sources in docs/icom.md show. The in list is what readInbound reads; the out
 * list adds the SPI's own admi.002.
 */
import { INBOUND_MSG_DEF_IDRS } from './inbound.js';
import { ADMI002_MSG_DEF_IDR } from './message.js';
import { escapeText as x } from './xml.js';

export const CATALOG = {
  in: [...INBOUND_MSG_DEF_IDRS].sort(),
  out: [ADMI002_MSG_DEF_IDR, ...INBOUND_MSG_DEF_IDRS].sort(),
};

export function renderCatalog(direction: keyof typeof CATALOG): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Catalog>${CATALOG[direction].map((m) => `<Message>${x(m)}</Message>`).join('')}</Catalog>`;
}
