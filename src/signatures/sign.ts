/**
 * Signs an SPI message the way the SPI's own messages are signed (#212;
 * Manual de Segurança do Pix, section 3):
 *
 *   <Sgntr><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
 *     <ds:SignedInfo> exc-c14n, rsa-sha256, then three References, sha256 each:
 *       URI="#key-info-id"  exc-c14n                        the KeyInfo
 *       URI=""              enveloped-signature, exc-c14n   the AppHdr
 *       (no URI)            exc-c14n                        the Document
 *     <ds:SignatureValue>
 *     <ds:KeyInfo Id="key-info-id"> X509Data/X509IssuerSerial (issuer name, decimal serial)
 *
 * The output is deterministic: the same message, key and certificate give
 * the same bytes (RSA PKCS#1 v1.5 signatures have no randomness), and
 * outside Sgntr they are the sender's own (splice.ts). Sgntr may
 * be empty (<Sgntr/>) or hold an old signature, which is replaced; an AppHdr
 * without Sgntr gets one. Any prefix or default namespace is kept.
 *
 * The algorithms can be changed (options.algorithms) so a rehearsal can send
 * a bank a message signed the wrong way on purpose.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { ENVELOPED_SIGNATURE, EXC_C14N, RSA_SHA256, SHA256, XMLDSIG_NS } from './algorithms.js';
import { digest, signWith, transformElement } from './canonical.js';
import { parseCertificate, type CertificateInfo } from './certificates.js';
import { renderKeyInfo } from './key-info.js';
import { childElements, dsChildren, locateParts, parseXml } from './spi-message.js';
import { spliceSgntr } from './splice.js';

export interface SigningCredentials {
  /** PKCS#8 or PKCS#1 PEM, or a KeyObject already made. */
  privateKey: string | KeyObject;
  certificatePem: string;
}

export interface SignOptions {
  /** KeyInfo's Id, which the first Reference points at. Default "key-info-id", the SPI's own. */
  keyInfoId?: string;
  /** Prefix of the XMLDSig elements. Default "ds". */
  prefix?: string;
  /** Default: the SPI's (exc-c14n, sha256, rsa-sha256). */
  algorithms?: { canonicalization?: string; digest?: string; signature?: string };
  /** Refuse a key that is not the certificate's (default true). Tests turn it off to make a wrong signature. */
  requireMatchingKey?: boolean;
}

/** The message cannot be signed (not an SPI Envelope, unusable key): the caller's mistake, said plainly. */
export class SigningError extends Error {
  override readonly name = 'SigningError';
}

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** A key and certificate prepared once (parsed key, rendered KeyInfo) for signing many messages. */
export class MessageSigner {
  readonly certificate: CertificateInfo;
  private readonly key: KeyObject;
  private readonly prefix: string;
  private readonly c14n: string;
  private readonly digestMethod: string;
  private readonly signatureMethod: string;
  private readonly skeleton: string;

  constructor(credentials: SigningCredentials, options: SignOptions = {}) {
    this.key = typeof credentials.privateKey === 'string' ? createPrivateKey(credentials.privateKey) : credentials.privateKey;
    this.certificate = parseCertificate(credentials.certificatePem);
    if ((options.requireMatchingKey ?? true) && !spki(createPublicKey(this.key)).equals(spki(this.certificate.publicKey))) {
      throw new SigningError(`the private key is not the key of certificate ${this.certificate.subject} (serial ${this.certificate.serialDecimal})`);
    }
    this.prefix = options.prefix ?? 'ds';
    if (!/^[A-Za-z_][\w.-]*$/.test(this.prefix)) throw new SigningError(`prefix ${JSON.stringify(this.prefix)} is not an XML name`);
    this.c14n = options.algorithms?.canonicalization ?? EXC_C14N;
    this.digestMethod = options.algorithms?.digest ?? SHA256;
    this.signatureMethod = options.algorithms?.signature ?? RSA_SHA256;
    this.skeleton = this.renderSkeleton(options.keyInfoId ?? 'key-info-id');
  }

  private renderSkeleton(keyInfoId: string): string {
    const p = `${this.prefix}:`;
    const reference = (uri: string | null, transforms: string[]) =>
      `<${p}Reference${uri === null ? '' : ` URI="${uri.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`}><${p}Transforms>` +
      transforms.map((t) => `<${p}Transform Algorithm="${t}"/>`).join('') +
      `</${p}Transforms><${p}DigestMethod Algorithm="${this.digestMethod}"/><${p}DigestValue></${p}DigestValue></${p}Reference>`;
    return (
      `<${p}Signature xmlns:${this.prefix}="${XMLDSIG_NS}"><${p}SignedInfo>` +
      `<${p}CanonicalizationMethod Algorithm="${this.c14n}"/><${p}SignatureMethod Algorithm="${this.signatureMethod}"/>` +
      reference(`#${keyInfoId}`, [this.c14n]) +
      reference('', [ENVELOPED_SIGNATURE, this.c14n]) +
      reference(null, [this.c14n]) +
      `</${p}SignedInfo><${p}SignatureValue></${p}SignatureValue>` +
      renderKeyInfo(this.certificate, keyInfoId, this.prefix) +
      `</${p}Signature>`
    );
  }

  private canonicalDigest(target: Element, transforms: string[], signature: Element | null): string {
    const out = transformElement(target, transforms, signature);
    if (!out.ok) throw new SigningError(out.problem);
    const value = digest(out.canonical, this.digestMethod);
    if (value === null) throw new SigningError(`digest algorithm ${this.digestMethod} is not supported`);
    return value;
  }

  /** The message with its signature in AppHdr/Sgntr. Throws SigningError when `xml` is not an SPI Envelope. */
  sign(xml: string): string {
    const parsed = parseXml(xml);
    if (!parsed.ok) throw new SigningError(`the message is not readable XML: ${parsed.detail}`);
    const located = locateParts(parsed.doc);
    if (!located.ok) throw new SigningError(located.detail);
    const { doc, appHdr, document } = located.parts;
    const sgntr = located.parts.sgntr ?? this.addSgntr(doc, appHdr);
    for (const old of dsChildren(sgntr, 'Signature')) sgntr.removeChild(old);

    const signature = doc.importNode(new DOMParser().parseFromString(this.skeleton, 'text/xml').documentElement!, true) as Element;
    sgntr.appendChild(signature);
    const signedInfo = dsChildren(signature, 'SignedInfo')[0]!;
    const keyInfo = dsChildren(signature, 'KeyInfo')[0]!;
    const [keyInfoRef, appHdrRef, documentRef] = dsChildren(signedInfo, 'Reference');
    const fill = (reference: Element, value: string) => dsChildren(reference, 'DigestValue')[0]!.appendChild(doc.createTextNode(value));
    fill(keyInfoRef!, this.canonicalDigest(keyInfo, [this.c14n], null));
    fill(appHdrRef!, this.canonicalDigest(appHdr, [ENVELOPED_SIGNATURE, this.c14n], signature));
    fill(documentRef!, this.canonicalDigest(document, [this.c14n], null));

    const canonicalSignedInfo = transformElement(signedInfo, [this.c14n], null);
    if (!canonicalSignedInfo.ok) throw new SigningError(canonicalSignedInfo.problem);
    const value = signWith(this.signatureMethod, canonicalSignedInfo.canonical, this.key);
    dsChildren(signature, 'SignatureValue')[0]!.appendChild(doc.createTextNode(value));
    // The sender's bytes outside Sgntr, kept as written; the whole DOM re-serialized only where Sgntr cannot be located in the text.
    return spliceSgntr(xml, doc, sgntr) ?? new XMLSerializer().serializeToString(doc);
  }

  /** A Sgntr in the AppHdr's namespace and prefix, where the schema puts it: before any Rltd, else last. */
  private addSgntr(doc: Document, appHdr: Element): Element {
    const qname = appHdr.prefix ? `${appHdr.prefix}:Sgntr` : 'Sgntr';
    const sgntr = doc.createElementNS(appHdr.namespaceURI, qname);
    appHdr.insertBefore(sgntr, childElements(appHdr, 'Rltd')[0] ?? null);
    return sgntr;
  }
}

export function createSigner(credentials: SigningCredentials, options?: SignOptions): MessageSigner {
  return new MessageSigner(credentials, options);
}

/** One-off signing; for many messages with the same key, keep a createSigner() instead. */
export function signMessage(xml: string, credentials: SigningCredentials, options?: SignOptions): string {
  return new MessageSigner(credentials, options).sign(xml);
}
