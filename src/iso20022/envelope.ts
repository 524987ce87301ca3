/**
 * The Envelope every SPI message travels in, for the renderers of pacs.002,
 * pacs.004 and admi.002: one default namespace on Envelope (AppHdr and
 * Document inherit it, as in the SPI's own messages), AppHdr with Fr/To as
 * FIId/FinInstnId/Othr/Id, BizMsgIdr, MsgDefIdr, CreDt and an empty Sgntr
 * (we hold no ICP-Brasil key; Bacen's unsigned examples leave it empty too).
 * pacs008.ts puts the same AppHdr in its own template; forward.ts puts it,
 * with the sender's prefix, in place of a posted message's.
 */
import type { Pacs008Header } from './message.js';
import { escapeAttr, escapeText as x } from './xml.js';

/** The AppHdr fields a caller chooses, the same for every message: MsgDefIdr is fixed by the renderer. */
export type EnvelopeFields = Pacs008Header;

/** CreDt as written (escaped): a Date as ISO 8601 UTC with milliseconds, a string as given. */
export function createdText(header: EnvelopeFields): string {
  return x(typeof header.createdAt === 'string' ? header.createdAt : header.createdAt.toISOString());
}

/**
 * The AppHdr element: its names written with `prefix` (e.g. 'env:'; '' for
 * the default namespace) and `declarations` (e.g. ` xmlns:env="…"`) on its
 * start tag.
 */
export function renderAppHdr(msgDefIdr: string, header: EnvelopeFields, prefix = '', declarations = ''): string {
  const p = prefix;
  const fiId = (ispb: string) => `<${p}FIId><${p}FinInstnId><${p}Othr><${p}Id>${x(ispb)}</${p}Id></${p}Othr></${p}FinInstnId></${p}FIId>`;
  return (
    `<${p}AppHdr${declarations}><${p}Fr>${fiId(header.from)}</${p}Fr><${p}To>${fiId(header.to)}</${p}To>` +
    `<${p}BizMsgIdr>${x(header.bizMsgIdr)}</${p}BizMsgIdr><${p}MsgDefIdr>${x(msgDefIdr)}</${p}MsgDefIdr>` +
    `<${p}CreDt>${createdText(header)}</${p}CreDt><${p}Sgntr/></${p}AppHdr>`
  );
}

/** The whole document around `document` (already rendered and escaped). */
export function renderEnvelope(namespace: string, msgDefIdr: string, header: EnvelopeFields, document: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Envelope xmlns="${escapeAttr(namespace)}">${renderAppHdr(msgDefIdr, header)}<Document>${document}</Document></Envelope>`
  );
}

/** Reason codes of pacs.002 and pacs.004 (ExternalStatusReason / ExternalReturnReason codes: AB03, AC03, MD06...). */
export const REASON_CODE = /^[A-Z0-9]{2,4}$/;
