/**
 * What verifySignature returns: a verdict, and findings precise enough that a
 * bank can find its own mistake (which reference, which digest, which
 * algorithm against which requirement, which certificate), with the exact
 * canonical bytes of every reference and of SignedInfo to diff against its own.
 */
import type { ReferenceRole } from './algorithms.js';

export type Verdict = 'valid' | 'invalid' | 'unsigned';

/** error: the SPI would refuse the message; warning: accepted here, but worth fixing; info: context. */
export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  // the message itself
  | 'xml-malformed'
  | 'doctype-refused'
  | 'envelope-malformed'
  | 'sender-mismatch'
  // where the signature is and how it is built
  | 'signature-missing'
  | 'signature-misplaced'
  | 'signature-duplicated'
  | 'signature-malformed'
  | 'reference-missing'
  | 'reference-unexpected'
  | 'reference-duplicated'
  | 'transforms-not-required'
  // algorithms against the policy
  | 'canonicalization-not-allowed'
  | 'digest-algorithm-not-allowed'
  | 'signature-algorithm-not-allowed'
  | 'algorithm-unsupported'
  // what the digests say
  | 'keyinfo-altered'
  | 'apphdr-altered'
  | 'document-altered'
  | 'apphdr-digested-as-whole-document'
  // the certificate reference in KeyInfo
  | 'keyinfo-malformed'
  | 'keyinfo-form'
  | 'keyinfo-serial-not-decimal'
  | 'keyinfo-issuer-is-subject'
  | 'keyinfo-issuer-name-form'
  // the certificate
  | 'certificate-unknown'
  | 'certificate-unreadable'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'certificate-not-senders'
  | 'certificate-cn-not-ispb'
  // the signature value
  | 'signature-value-invalid'
  | 'signature-value-not-checked'
  | 'signed-with-other-certificate'
  // this verifier could not finish (a defect, reported instead of thrown)
  | 'verifier-error';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** One sentence saying what is wrong and, where it can, what to do. */
  message: string;
  /** The reference concerned: its role, or `URI="…"` for one that fits no role. */
  reference?: ReferenceRole | string;
  /** What the message states (e.g. its DigestValue). */
  expected?: string;
  /** What this verifier computed from the message. */
  computed?: string;
  /** What the message carries (an algorithm, a name, a date). */
  found?: string;
  /** What the SPI requires instead. */
  required?: string;
}

export interface ReferenceReport {
  /** Which part of the message the reference denotes, or null when it denotes none of the three. */
  role: ReferenceRole | null;
  /** The URI attribute as written; null when the Reference has none (the Document's). */
  uri: string | null;
  transforms: string[];
  digestAlgorithm: string | null;
  /** DigestValue as the message states it. */
  expectedDigest: string | null;
  /** The digest of `canonical` with the reference's own DigestMethod; null when it could not be computed. */
  computedDigest: string | null;
  /** The exact octets digested (after the reference's own transforms), as a string. */
  canonical: string | null;
  /** The digests match. Algorithms outside the policy are findings of their own. */
  ok: boolean;
}

export interface SignerReport {
  subject: string;
  issuer: string;
  /** Serial number in decimal, as X509SerialNumber writes it. */
  serial: string;
  notBefore: string;
  notAfter: string;
  /** The subject CN when it is an ISPB (8 of [0-9A-Z]), else null. */
  ispb: string | null;
  /** SHA-256 fingerprint, colon-separated hex (as Node prints it). */
  fingerprint256: string;
}

export interface SignedInfoReport {
  canonicalizationFound: string | null;
  signatureAlgorithmFound: string | null;
  /** SignedInfo canonicalized with the method it names: the octets the signature value is over. */
  canonicalBytes: string | null;
  /** true/false once checked against the matched certificate's key; null when it could not be checked. */
  signatureValueOk: boolean | null;
}

export interface Diagnosis {
  verdict: Verdict;
  /** The certificate KeyInfo names, found among the registered ones; null when none matched. */
  signer: SignerReport | null;
  findings: Finding[];
  references: ReferenceReport[];
  signedInfo: SignedInfoReport;
  /** AppHdr/Fr as the message states it (null if unreadable), and the sender the caller expected. */
  sender: { appHdrFrom: string | null; expected: string | null };
}

/** `unsigned` when there is no signature at all; otherwise `invalid` as soon as one finding is an error. */
export function verdictOf(findings: readonly Finding[], signaturePresent: boolean): Verdict {
  if (!signaturePresent) return 'unsigned';
  return findings.some((f) => f.severity === 'error') ? 'invalid' : 'valid';
}

export function emptySignedInfo(): SignedInfoReport {
  return { canonicalizationFound: null, signatureAlgorithmFound: null, canonicalBytes: null, signatureValueOk: null };
}
