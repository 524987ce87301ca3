/**
 * The three references of an SPI signature, each checked on its own.
 *
 * Which element a reference denotes follows the ISO 20022 AppHdr convention
 * the SPI uses (docs/signatures-rules.md): URI="#<KeyInfo Id>" is the
 * KeyInfo, URI="" is the AppHdr (enveloped: the signature inside it is
 * removed), a Reference without URI is the Document. Plain XMLDSig would read
 * URI="" as the whole document; a bank that did so gets a finding that says
 * exactly that. Each element is found by position (the KeyInfo of this
 * signature, the Envelope's only AppHdr and only Document), never by
 * searching the document for an Id, so a planted Id="key-info-id" or a
 * second Document cannot redirect a reference (signature wrapping).
 *
 * The canonical octets are computed with the reference's own transforms, so a
 * bank can diff them against its own even when those transforms are not the
 * required ones (which is a finding of its own).
 */
import { describeAlgorithm, describeList, ENVELOPED_SIGNATURE, REFERENCE_ROLES, requiredTransforms, type ReferenceRole, type SignaturePolicy } from './algorithms.js';
import { digest, transformElement } from './canonical.js';
import type { Finding, ReferenceReport } from './diagnosis.js';
import type { ReferenceElement, SignatureModel } from './signature-element.js';
import type { SpiMessageParts } from './spi-message.js';

const ALTERED = { KeyInfo: 'keyinfo-altered', AppHdr: 'apphdr-altered', Document: 'document-altered' } as const;
const DENOTES = { KeyInfo: 'Reference URI="#<KeyInfo Id>"', AppHdr: 'Reference URI=""', Document: 'a Reference without URI' } as const;

function roleOf(ref: ReferenceElement, keyInfoId: string | null): ReferenceRole | null {
  if (ref.uri === null) return 'Document';
  if (ref.uri === '') return 'AppHdr';
  return keyInfoId !== null && ref.uri === `#${keyInfoId}` ? 'KeyInfo' : null;
}

function sameDigest(a: string, b: string): boolean {
  return Buffer.from(a, 'base64').equals(Buffer.from(b, 'base64'));
}

function checkAlgorithms(role: ReferenceRole, ref: ReferenceElement, policy: SignaturePolicy, findings: Finding[]): void {
  const c14n = ref.transforms.filter((t) => t !== ENVELOPED_SIGNATURE);
  for (const t of c14n) {
    if (!policy.canonicalization.includes(t)) {
      findings.push({ code: 'canonicalization-not-allowed', severity: 'error', reference: role, message: `the ${role} reference is canonicalized with ${describeAlgorithm(t)}, which the SPI does not accept`, found: t, required: policy.canonicalization.join(' or ') });
    }
  }
  const expected = requiredTransforms(role, c14n.length === 1 && policy.canonicalization.includes(c14n[0]!) ? c14n[0]! : policy.canonicalization[0]!);
  if (ref.transforms.join(' ') !== expected.join(' ')) {
    findings.push({ code: 'transforms-not-required', severity: 'error', reference: role, message: `the ${role} reference's transforms are not the ones the SPI applies`, found: describeList(ref.transforms), required: describeList(expected) });
  }
  if (ref.digestAlgorithm !== null && !policy.digest.includes(ref.digestAlgorithm)) {
    findings.push({ code: 'digest-algorithm-not-allowed', severity: 'error', reference: role, message: `the ${role} reference is digested with ${describeAlgorithm(ref.digestAlgorithm)}, which the SPI does not accept`, found: ref.digestAlgorithm, required: policy.digest.join(' or ') });
  }
}

/** The plain-XMLDSig reading of URI="": the whole Envelope, signature removed. Does the stated digest match that instead? */
function digestedAsWholeDocument(ref: ReferenceElement, parts: SpiMessageParts, model: SignatureModel): boolean {
  if (ref.digestAlgorithm === null || ref.digestValue === null) return false;
  const whole = transformElement(parts.envelope, ref.transforms, model.signature);
  if (!whole.ok) return false;
  const d = digest(whole.canonical, ref.digestAlgorithm);
  return d !== null && sameDigest(d, ref.digestValue);
}

function checkOne(role: ReferenceRole, ref: ReferenceElement, target: Element, parts: SpiMessageParts, model: SignatureModel, policy: SignaturePolicy, findings: Finding[]): ReferenceReport {
  checkAlgorithms(role, ref, policy, findings);
  const report: ReferenceReport = { role, uri: ref.uri, transforms: ref.transforms, digestAlgorithm: ref.digestAlgorithm, expectedDigest: ref.digestValue, computedDigest: null, canonical: null, ok: false };
  const out = transformElement(target, ref.transforms, model.signature);
  if (!out.ok) {
    findings.push({ code: 'algorithm-unsupported', severity: 'error', reference: role, message: `the ${role} reference cannot be computed: ${out.problem}`, found: describeList(ref.transforms) });
    return report;
  }
  report.canonical = out.canonical;
  if (ref.digestAlgorithm === null) return report;
  report.computedDigest = digest(out.canonical, ref.digestAlgorithm);
  if (report.computedDigest === null) {
    findings.push({ code: 'algorithm-unsupported', severity: 'error', reference: role, message: `the ${role} reference's DigestMethod is not one this verifier implements`, found: ref.digestAlgorithm });
    return report;
  }
  if (ref.digestValue === null) return report;
  report.ok = sameDigest(report.computedDigest, ref.digestValue);
  if (report.ok) return report;
  if (role === 'AppHdr' && digestedAsWholeDocument(ref, parts, model)) {
    findings.push({ code: 'apphdr-digested-as-whole-document', severity: 'error', reference: role, message: 'the DigestValue of Reference URI="" is that of the whole Envelope; the SPI reads URI="" as the AppHdr alone (signature removed), and digests the Document in a Reference without URI', expected: ref.digestValue, computed: report.computedDigest });
  } else {
    findings.push({ code: ALTERED[role], severity: 'error', reference: role, message: `the ${role}'s digest does not match: it changed after signing, or was canonicalized differently (compare this reference's canonical octets with yours)`, expected: ref.digestValue, computed: report.computedDigest });
  }
  return report;
}

export function checkReferences(model: SignatureModel, parts: SpiMessageParts, policy: SignaturePolicy): { reports: ReferenceReport[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const reports: ReferenceReport[] = [];
  const keyInfoId = model.keyInfo?.getAttribute('Id') || null;
  if (model.keyInfo !== null && keyInfoId === null) {
    findings.push({ code: 'keyinfo-malformed', severity: 'error', message: 'KeyInfo has no Id attribute, so no reference can cover it; the SPI writes Id="key-info-id" and Reference URI="#key-info-id"', required: 'KeyInfo Id' });
  }
  const targets: Record<ReferenceRole, Element | null> = { KeyInfo: model.keyInfo, AppHdr: parts.appHdr, Document: parts.document };
  const seen = new Set<ReferenceRole>();
  for (const ref of model.references) {
    const role = roleOf(ref, keyInfoId);
    if (role === null) {
      findings.push({ code: 'reference-unexpected', severity: 'error', reference: `URI="${ref.uri}"`, message: `Reference URI="${ref.uri}" denotes none of KeyInfo, AppHdr or Document`, found: `URI="${ref.uri}"` });
      reports.push({ role: null, uri: ref.uri, transforms: ref.transforms, digestAlgorithm: ref.digestAlgorithm, expectedDigest: ref.digestValue, computedDigest: null, canonical: null, ok: false });
      continue;
    }
    if (seen.has(role)) findings.push({ code: 'reference-duplicated', severity: 'error', reference: role, message: `SignedInfo has more than one ${DENOTES[role]} (the ${role})` });
    seen.add(role);
    const target = targets[role];
    if (target !== null) reports.push(checkOne(role, ref, target, parts, model, policy, findings));
  }
  for (const role of REFERENCE_ROLES) {
    if (!seen.has(role)) findings.push({ code: 'reference-missing', severity: 'error', reference: role, message: `SignedInfo has no reference to the ${role}: the SPI signs KeyInfo, AppHdr and Document, each in its own Reference`, required: DENOTES[role] });
  }
  return { reports, findings };
}
