/**
 * The Envelope every SPI message travels in, for the renderers of pacs.002,
 * pacs.004 and admi.002: one default namespace on Envelope (AppHdr and
 * Document inherit it, as in the SPI's own messages), AppHdr with Fr/To as
 * FIId/FinInstnId/Othr/Id, BizMsgIdr, MsgDefIdr, CreDt and an empty Sgntr
 * (we hold no ICP-Brasil key; Bacen's unsigned examples leave it empty too).
 * pacs008.ts writes the same shape inline, in its hot path.
 */
import type { Pacs008Header } from './message.js';
import { escapeText as x } from './xml.js';

/** The AppHdr fields a caller chooses, the same for every message: MsgDefIdr is fixed by the renderer. */
export type EnvelopeFields = Pacs008Header;

/** CreDt as written (escaped): a Date as ISO 8601 UTC with milliseconds, a string as given. */
export function createdText(header: EnvelopeFields): string {
  return x(typeof header.createdAt === 'string' ? header.createdAt : header.createdAt.toISOString());
}

function fiId(ispb: string): string {
  return `<FIId><FinInstnId><Othr><Id>${x(ispb)}</Id></Othr></FinInstnId></FIId>`;
}

/** The whole document around `document` (already rendered and escaped). */
export function renderEnvelope(namespace: string, msgDefIdr: string, header: EnvelopeFields, document: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Envelope xmlns="${namespace}">` +
    `<AppHdr><Fr>${fiId(header.from)}</Fr><To>${fiId(header.to)}</To>` +
    `<BizMsgIdr>${x(header.bizMsgIdr)}</BizMsgIdr><MsgDefIdr>${msgDefIdr}</MsgDefIdr><CreDt>${createdText(header)}</CreDt><Sgntr/></AppHdr>` +
    `<Document>${document}</Document></Envelope>`
  );
}

/** Reason codes of pacs.002 and pacs.004 (ExternalStatusReason / ExternalReturnReason codes: AB03, AC03, MD06...). */
export const REASON_CODE = /^[A-Z0-9]{2,4}$/;
