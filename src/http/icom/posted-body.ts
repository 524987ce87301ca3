/**
 * The documents of an inbound request: one `application/xml` body, or a
 * `multipart/mixed` body of up to 10 `application/xml` parts; UTF-8 only
 * (the interface's encoding), decoded strictly. gzip (Content-Encoding) is
 * undone before this, by the body parser, within the same size limit, so a
 * compressed bomb stops at the limit. Transport errors are the face's own:
 * 415 for a media type or charset it does not take, 400 for broken MIME or
 * text, 413 for a part over its limit.
 */
import { HttpError, BadRequest } from '../errors.js';
import { MultipartError, parseMultipartMixed } from './multipart.js';
import { APPLICATION_XML, ICOM_BATCH_SIZE, MULTIPART_MIXED } from './params.js';

/** A whole request body, after gzip: ten pacs.008 of about 3 KB are 30 KB. */
export const INBOUND_BODY_LIMIT_BYTES = 1024 * 1024;
/** One message: well above any pacs.008, pacs.002 or pacs.004 the catalogue allows. */
export const INBOUND_PART_LIMIT_BYTES = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a BOM is kept for the parser, which takes it

function mediaType(header: string | undefined): { type: string; charset: string | undefined } {
  const [type, ...params] = (header ?? '').split(';').map((part) => part.trim());
  const charset = params.map((param) => /^charset\s*=\s*"?([^";]+)"?$/i.exec(param)?.[1]).find(Boolean);
  return { type: type.toLowerCase(), charset: charset?.toLowerCase() };
}

function xmlText(contentType: string | undefined, body: Buffer, where: string): string {
  const { type, charset } = mediaType(contentType);
  if (type !== APPLICATION_XML) throw new HttpError(415, `${where} must be ${APPLICATION_XML}, got "${type || 'none'}"`);
  if (charset !== undefined && charset !== 'utf-8') throw new HttpError(415, `${where} must be UTF-8, got charset ${charset}`);
  if (body.length > INBOUND_PART_LIMIT_BYTES) throw new HttpError(413, `${where} is ${body.length} bytes; a message may have at most ${INBOUND_PART_LIMIT_BYTES}`);
  try {
    return utf8.decode(body);
  } catch {
    throw new BadRequest(`${where} is not valid UTF-8`);
  }
}

export function postedDocuments(contentType: string | undefined, body: Buffer): string[] {
  if (mediaType(contentType).type !== MULTIPART_MIXED) return [xmlText(contentType, body, 'The body')];
  let parts;
  try {
    parts = parseMultipartMixed(contentType!, body);
  } catch (err) {
    if (err instanceof MultipartError) throw new BadRequest(`The multipart/mixed body is malformed: ${err.message}`);
    throw err;
  }
  if (parts.length > ICOM_BATCH_SIZE) throw new BadRequest(`A request holds at most ${ICOM_BATCH_SIZE} messages; this one has ${parts.length}`);
  return parts.map((part, index) => xmlText(part.headers['content-type'], part.body, `Part ${index + 1}`));
}
