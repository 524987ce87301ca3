/**
 * ICOM's catalogue routes: which message versions the interface takes
 * (GET /api/v1/in/catalog) and which it hands out (GET /api/v1/out/catalog),
 * as `<Catalog><Message>pacs.008.spi.1.16</Message>…</Catalog>`, the form the
 * sources in docs/icom.md show. The in list is what readInbound reads; the out
 * list is what the streams carry: the messages handed on, the SPI's reports
 * and rejections, and its answers to queries.
 */
import { INBOUND_MSG_DEF_IDRS } from './inbound.js';
import { ADMI002_MSG_DEF_IDR, CAMT052_MSG_DEF_IDR, CAMT053_MSG_DEF_IDR, PACS002_MSG_DEF_IDR, PACS004_MSG_DEF_IDR, PACS008_MSG_DEF_IDR, PIBR002_MSG_DEF_IDR } from './message.js';
import { escapeText as x } from './xml.js';

export const CATALOG = {
  in: [...INBOUND_MSG_DEF_IDRS].sort(),
  out: [ADMI002_MSG_DEF_IDR, CAMT052_MSG_DEF_IDR, CAMT053_MSG_DEF_IDR, PACS002_MSG_DEF_IDR, PACS004_MSG_DEF_IDR, PACS008_MSG_DEF_IDR, PIBR002_MSG_DEF_IDR].sort(),
};

export function renderCatalog(direction: keyof typeof CATALOG): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Catalog>${CATALOG[direction].map((m) => `<Message>${x(m)}</Message>`).join('')}</Catalog>`;
}
