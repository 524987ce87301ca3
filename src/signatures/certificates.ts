/**
 * Certificates as the verifier needs them: parsed once (Node's
 * X509Certificate), with the issuer and subject as RFC 4514 names, the serial
 * in decimal, the validity period as Dates, the CN and, when the CN is an
 * ISPB, that ISPB.
 *
 * Parsing a certificate costs far more than the rest of a lookup, and the
 * same few certificates come with every message of a participant, so parsed
 * certificates are kept in a small LRU keyed by the SHA-256 of the PEM text
 * (performance figures in docs/signatures-rules.md).
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { commonName, nodeNameToRfc4514, parseName, type NameAttribute } from './distinguished-name.js';

export const ISPB_PATTERN = /^[0-9A-Z]{8}$/;

export interface CertificateInfo {
  readonly x509: X509Certificate;
  readonly publicKey: KeyObject;
  /** RFC 4514, most significant RDN last: "CN=12345678,OU=…,O=…,C=BR". */
  readonly subject: string;
  readonly issuer: string;
  readonly subjectName: readonly NameAttribute[];
  readonly issuerName: readonly NameAttribute[];
  readonly serialDecimal: string;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly cn: string | null;
  /** The CN when it is an ISPB (8 of [0-9A-Z]), else null. */
  readonly ispb: string | null;
  readonly fingerprint256: string;
}

/** Parses one PEM (or DER) certificate; throws on anything that is not one. */
export function parseCertificate(pem: string | Buffer): CertificateInfo {
  const x509 = new X509Certificate(pem);
  const subject = nodeNameToRfc4514(x509.subject);
  const issuer = nodeNameToRfc4514(x509.issuer);
  const subjectName = parseName(subject) ?? [];
  const cn = commonName(subjectName);
  return Object.freeze({
    x509,
    publicKey: x509.publicKey,
    subject,
    issuer,
    subjectName,
    issuerName: parseName(issuer) ?? [],
    serialDecimal: BigInt(`0x${x509.serialNumber}`).toString(10),
    serialHex: x509.serialNumber.toUpperCase(),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    cn,
    ispb: cn !== null && ISPB_PATTERN.test(cn) ? cn : null,
    fingerprint256: x509.fingerprint256,
  });
}

export type Validity = 'valid' | 'expired' | 'not-yet-valid';

/** Where `now` falls in the certificate's validity period (both ends included, as X.509 defines it). */
export function validityAt(cert: CertificateInfo, now: Date): Validity {
  if (now.getTime() < cert.notBefore.getTime()) return 'not-yet-valid';
  if (now.getTime() > cert.notAfter.getTime()) return 'expired';
  return 'valid';
}

/** A least-recently-used cache of parsed certificates, keyed by the SHA-256 of the PEM text. */
export class CertificateCache {
  private readonly entries = new Map<string, CertificateInfo>();
  private hitCount = 0;
  private missCount = 0;

  constructor(readonly capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity ${capacity} is not a positive integer`);
  }

  /** The parsed certificate for `pem`, parsing it on a miss; throws like parseCertificate on a bad PEM (not cached). */
  get(pem: string): CertificateInfo {
    const id = createHash('sha256').update(pem).digest('base64');
    const cached = this.entries.get(id);
    if (cached !== undefined) {
      this.hitCount++;
      this.entries.delete(id); // re-insert: Map keeps insertion order, so the oldest entry is first
      this.entries.set(id, cached);
      return cached;
    }
    this.missCount++;
    const parsed = parseCertificate(pem);
    this.entries.set(id, parsed);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): { size: number; capacity: number; hits: number; misses: number } {
    return { size: this.entries.size, capacity: this.capacity, hits: this.hitCount, misses: this.missCount };
  }

  clear(): void {
    this.entries.clear();
    this.hitCount = 0;
    this.missCount = 0;
  }
}

/** The process-wide cache verifySignature uses unless told otherwise. */
export const defaultCertificateCache = new CertificateCache();

export type LoadedCertificate = { ok: true; cert: CertificateInfo } | { ok: false; index: number; problem: string };

/** Parses each PEM through `cache` (or afresh when null), reporting the unreadable ones instead of throwing. */
export function loadCertificates(pems: readonly string[], cache: CertificateCache | null): LoadedCertificate[] {
  return pems.map((pem, index) => {
    try {
      return { ok: true, cert: cache === null ? parseCertificate(pem) : cache.get(pem) };
    } catch (error) {
      return { ok: false, index, problem: error instanceof Error ? error.message : String(error) };
    }
  });
}
