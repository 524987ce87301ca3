/**
 * The algorithm identifiers an SPI signature names, the policy of which ones
 * are required, and what each of the three references must say.
 *
 * The SPI's rule (Manual de Segurança do Pix, section 3; the SPI's own signed
 * messages in bacen/pix-perguntas-e-respostas#212 and #330): SignedInfo is
 * canonicalized with exclusive c14n and signed with rsa-sha256; every
 * reference is digested with sha256 after exclusive c14n, the AppHdr's after
 * the enveloped-signature transform first. docs/signatures-rules.md has the
 * rules with their sources.
 */

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
export const C14N_10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_10_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';

export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';

/** Which algorithms a verifier accepts; anything else is a finding, even when the digest or signature checks out. */
export interface SignaturePolicy {
  /** SignedInfo's CanonicalizationMethod, and the canonicalization transform of every reference. */
  readonly canonicalization: readonly string[];
  /** DigestMethod of every reference. */
  readonly digest: readonly string[];
  /** SignatureMethod. */
  readonly signature: readonly string[];
}

/** What the SPI requires: exclusive c14n, sha256, rsa-sha256, nothing else. */
export const SPI_POLICY: SignaturePolicy = Object.freeze({
  canonicalization: Object.freeze([EXC_C14N]),
  digest: Object.freeze([SHA256]),
  signature: Object.freeze([RSA_SHA256]),
});

/** The three things an SPI signature covers, named as a bank would name them. */
export type ReferenceRole = 'KeyInfo' | 'AppHdr' | 'Document';

/** Reference order in SignedInfo, as the SPI writes it (#212; #104 lists the same order). */
export const REFERENCE_ROLES: readonly ReferenceRole[] = ['KeyInfo', 'AppHdr', 'Document'];

/**
 * The transforms each reference carries, with `c14n` standing for the
 * policy's canonicalization. AppHdr holds the signature, so its digest is
 * taken with the signature removed first.
 */
export function requiredTransforms(role: ReferenceRole, c14n: string): string[] {
  return role === 'AppHdr' ? [ENVELOPED_SIGNATURE, c14n] : [c14n];
}

/** The canonicalization algorithms xml-crypto implements (and so the ones whose output a diagnosis can show). */
export const CANONICALIZATIONS: readonly string[] = [EXC_C14N, EXC_C14N_WITH_COMMENTS, C14N_10, C14N_10_WITH_COMMENTS];

const SHORT_NAMES: Record<string, string> = {
  [EXC_C14N]: 'exc-c14n',
  [EXC_C14N_WITH_COMMENTS]: 'exc-c14n with comments',
  [C14N_10]: 'c14n 1.0',
  [C14N_10_WITH_COMMENTS]: 'c14n 1.0 with comments',
  [ENVELOPED_SIGNATURE]: 'enveloped-signature',
  [SHA1]: 'sha1',
  [SHA256]: 'sha256',
  [SHA512]: 'sha512',
  [RSA_SHA1]: 'rsa-sha1',
  [RSA_SHA256]: 'rsa-sha256',
  [RSA_SHA512]: 'rsa-sha512',
};

/** A short name for messages: "sha1 (http://www.w3.org/2000/09/xmldsig#sha1)"; unknown URIs as given. */
export function describeAlgorithm(uri: string | null): string {
  if (uri === null) return '(none)';
  const short = SHORT_NAMES[uri];
  return short === undefined ? uri : `${short} (${uri})`;
}

/** A list of URIs for a finding's `required` or `found`, joined with " then " (transforms are ordered). */
export function describeList(uris: readonly string[]): string {
  return uris.length === 0 ? '(none)' : uris.map(describeAlgorithm).join(' then ');
}
