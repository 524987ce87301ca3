/**
 * Reads a ds:Signature element into its parts (SignedInfo, its methods and
 * references, SignatureValue, KeyInfo) and says what is missing or repeated.
 * Nothing is checked against the policy here: verify.ts does that, so a
 * malformed signature still gets every other finding it deserves.
 */
import type { Finding } from './diagnosis.js';
import { dsChildren, textOf } from './spi-message.js';

export interface ReferenceElement {
  el: Element;
  /** The URI attribute as written; null when absent. */
  uri: string | null;
  transforms: string[];
  digestAlgorithm: string | null;
  digestValue: string | null;
}

export interface SignatureModel {
  signature: Element;
  signedInfo: Element | null;
  canonicalization: string | null;
  signatureAlgorithm: string | null;
  references: ReferenceElement[];
  /** Base64 with whitespace removed. */
  signatureValue: string | null;
  keyInfo: Element | null;
}

function malformed(message: string, extra: Partial<Finding> = {}): Finding {
  return { code: 'signature-malformed', severity: 'error', message, ...extra };
}

/** The single ds child `local` of `parent`; a finding when absent or repeated. */
function single(parent: Element, local: string, findings: Finding[]): Element | null {
  const found = dsChildren(parent, local);
  if (found.length === 1) return found[0]!;
  findings.push(malformed(found.length === 0 ? `${parent.localName} has no ${local}` : `${parent.localName} has ${found.length} ${local} elements, not one`));
  return null;
}

function algorithmOf(el: Element | null, findings: Finding[]): string | null {
  if (el === null) return null;
  const value = el.getAttribute('Algorithm');
  if (value === null || value === '') {
    findings.push(malformed(`${el.localName} has no Algorithm attribute`));
    return null;
  }
  return value;
}

function readReference(el: Element, findings: Finding[]): ReferenceElement {
  const uri = el.hasAttribute('URI') ? el.getAttribute('URI') : null;
  const where = uri === null ? 'the Reference without URI' : `Reference URI="${uri}"`;
  const transforms: string[] = [];
  const transformsEl = dsChildren(el, 'Transforms');
  if (transformsEl.length > 1) findings.push(malformed(`${where} has ${transformsEl.length} Transforms elements`));
  for (const t of transformsEl[0] === undefined ? [] : dsChildren(transformsEl[0], 'Transform')) {
    const algorithm = t.getAttribute('Algorithm');
    if (algorithm === null || algorithm === '') findings.push(malformed(`a Transform of ${where} has no Algorithm attribute`));
    else transforms.push(algorithm);
  }
  const methods = dsChildren(el, 'DigestMethod');
  const values = dsChildren(el, 'DigestValue');
  if (methods.length !== 1) findings.push(malformed(`${where} has ${methods.length} DigestMethod elements, not one`));
  if (values.length !== 1) findings.push(malformed(`${where} has ${values.length} DigestValue elements, not one`));
  const digestAlgorithm = methods.length === 1 ? algorithmOf(methods[0]!, findings) : null;
  const digestValue = values.length === 1 ? textOf(values[0]!).replace(/\s+/g, '') : null;
  return { el, uri, transforms, digestAlgorithm, digestValue };
}

export function readSignature(signature: Element): { model: SignatureModel; findings: Finding[] } {
  const findings: Finding[] = [];
  const signedInfo = single(signature, 'SignedInfo', findings);
  const model: SignatureModel = {
    signature,
    signedInfo,
    canonicalization: null,
    signatureAlgorithm: null,
    references: [],
    signatureValue: null,
    keyInfo: null,
  };
  if (signedInfo !== null) {
    model.canonicalization = algorithmOf(single(signedInfo, 'CanonicalizationMethod', findings), findings);
    model.signatureAlgorithm = algorithmOf(single(signedInfo, 'SignatureMethod', findings), findings);
    model.references = dsChildren(signedInfo, 'Reference').map((r) => readReference(r, findings));
    if (model.references.length === 0) findings.push(malformed('SignedInfo has no Reference'));
  }
  const value = single(signature, 'SignatureValue', findings);
  if (value !== null) {
    const text = textOf(value).replace(/\s+/g, '');
    if (text === '' || !/^[A-Za-z0-9+/]+=*$/.test(text)) findings.push(malformed('SignatureValue is empty or not base64'));
    else model.signatureValue = text;
  }
  const keyInfos = dsChildren(signature, 'KeyInfo');
  if (keyInfos.length === 1) model.keyInfo = keyInfos[0]!;
  else findings.push({ code: 'keyinfo-malformed', severity: 'error', message: `the Signature has ${keyInfos.length} KeyInfo elements, not one` });
  return { model, findings };
}
