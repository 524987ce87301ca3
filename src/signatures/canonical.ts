/**
 * Transforms, canonicalization, digests and RSA signatures, all from
 * xml-crypto's own algorithm classes (its c14n, exclusive c14n,
 * enveloped-signature, sha1/256/512, rsa-sha1/256/512); nothing here
 * canonicalizes by hand.
 *
 * Why not SignedXml.checkSignature/computeSignature: xml-crypto resolves
 * URI="" to the whole document and cannot resolve a Reference without a URI,
 * while the SPI reads URI="" as the AppHdr and no URI as the Document (see
 * docs/signatures-rules.md). So references.ts picks the element each
 * reference denotes, and this module runs the reference's transforms on it
 * with the library's classes, as SignedXml would once it had the element.
 */
import { SignedXml, type CanonicalizationOrTransformationAlgorithm, type NamespacePrefix } from 'xml-crypto';
import { C14N_10, ENVELOPED_SIGNATURE, XMLDSIG_NS } from './algorithms.js';

// Only the algorithm tables of this instance are used; it never holds a document.
const registry = new SignedXml();

export type TransformOutcome = { ok: true; canonical: string } | { ok: false; problem: string };

/** The namespace declarations in scope at `el` from its ancestors (nearest first wins), minus those `el` redeclares. */
export function ancestorNamespaces(el: Element): NamespacePrefix[] {
  const seen = new Set<string>();
  for (const attr of Array.from(el.attributes)) if (attr.name === 'xmlns' || attr.name.startsWith('xmlns:')) seen.add(attr.name);
  const out: NamespacePrefix[] = [];
  for (let n = el.parentNode; n !== null && n.nodeType === 1; n = n.parentNode) {
    for (const attr of Array.from((n as Element).attributes)) {
      if (!(attr.name === 'xmlns' || attr.name.startsWith('xmlns:')) || seen.has(attr.name)) continue;
      seen.add(attr.name);
      out.push({ prefix: attr.name === 'xmlns' ? '' : attr.name.slice(6), namespaceURI: attr.value });
    }
  }
  return out;
}

/** Child indexes from `root` down to `node`, or null when `node` is not below `root`. */
function pathFrom(root: Node, node: Node): number[] | null {
  const path: number[] = [];
  let n: Node | null = node;
  while (n !== null && n !== root) {
    const parent: Node | null = n.parentNode;
    if (parent === null) return null;
    path.push(Array.prototype.indexOf.call(parent.childNodes, n) as number);
    n = parent;
  }
  return n === root ? path.reverse() : null;
}

function hasComment(node: Node): boolean {
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 8 || hasComment(c)) return true;
  return false;
}

function removeComments(node: Node): void {
  for (let c = node.firstChild; c !== null; ) {
    const next = c.nextSibling;
    if (c.nodeType === 8) node.removeChild(c);
    else removeComments(c);
    c = next;
  }
}

/**
 * Runs `transforms` over `target` and returns the octets to digest.
 * `signature` is the ds:Signature the enveloped-signature transform removes
 * when it lies inside `target`; it is put back where it was before this
 * returns, so the document is left as it came. Comments are dropped (every
 * SPI reference is a same-document one): the plain c14n algorithms skip them
 * anyway, and for the WithComments ones a copy without them is canonicalized.
 *
 * Working on the document itself, not on a copy, is what makes verification
 * affordable: copying the nodes was 30 % of the time (xmldom's cloneNode).
 */
export function transformElement(target: Element, transforms: readonly string[], signature: Element | null): TransformOutcome {
  let root: Element = target;
  let envelopedSignature = signature !== null && isBelow(signature, target) ? signature : null;
  if (transforms.some((t) => t.endsWith('#WithComments')) && hasComment(target)) {
    root = target.cloneNode(true) as Element;
    const path = envelopedSignature === null ? null : pathFrom(target, envelopedSignature);
    envelopedSignature = path === null ? null : (path.reduce<Node>((n, i) => n.childNodes[i]!, root) as Element);
    removeComments(root);
  }
  const options = { ancestorNamespaces: ancestorNamespaces(target), defaultNsForPrefix: { ds: XMLDSIG_NS }, signatureNode: envelopedSignature };
  let restore: (() => void) | null = null;
  try {
    let output: Node | string = root;
    for (const uri of transforms) {
      const Algorithm = registry.CanonicalizationAlgorithms[uri] as (new () => CanonicalizationOrTransformationAlgorithm) | undefined;
      if (Algorithm === undefined) return { ok: false, problem: `transform ${uri} is not one this verifier implements` };
      if (typeof output === 'string') return { ok: false, problem: `transform ${uri} comes after canonicalization, which already produced octets` };
      if (uri === ENVELOPED_SIGNATURE) {
        if (envelopedSignature === null || restore !== null) continue; // nothing (left) of the signature inside: the transform keeps all
        const removed = envelopedSignature;
        const parent = removed.parentNode!;
        const next = removed.nextSibling;
        if (root === target) restore = () => void parent.insertBefore(removed, next);
      }
      output = new Algorithm().process(output, options);
    }
    if (typeof output !== 'string') output = new (registry.CanonicalizationAlgorithms[C14N_10]!)().process(output, options) as string;
    return { ok: true, canonical: String(output) };
  } finally {
    restore?.();
  }
}

function isBelow(node: Node, ancestor: Node): boolean {
  for (let n = node.parentNode; n !== null; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

/** Base64 digest of `text` (UTF-8) with the DigestMethod `uri`; null when xml-crypto has no such algorithm. */
export function digest(text: string, uri: string): string | null {
  const Hash = registry.HashAlgorithms[uri];
  return Hash === undefined ? null : new Hash().getHash(text);
}

export function isSupportedDigest(uri: string): boolean {
  return registry.HashAlgorithms[uri] !== undefined;
}

export function isSupportedSignature(uri: string): boolean {
  return registry.SignatureAlgorithms[uri] !== undefined;
}

/** Base64 signature of `material` with SignatureMethod `uri` (xml-crypto's class, Node's crypto underneath). */
export function signWith(uri: string, material: string, privateKey: import('node:crypto').KeyObject): string {
  const Algorithm = registry.SignatureAlgorithms[uri];
  if (Algorithm === undefined) throw new RangeError(`signature algorithm ${uri} is not supported`);
  return new Algorithm().getSignature(material, privateKey);
}

/** Whether `signatureValue` (base64) verifies over `material` with `publicKey`; null when the algorithm is unsupported. */
export function verifyWith(uri: string, material: string, publicKey: import('node:crypto').KeyObject, signatureValue: string): boolean | null {
  const Algorithm = registry.SignatureAlgorithms[uri];
  if (Algorithm === undefined) return null;
  try {
    return new Algorithm().verifySignature(material, publicKey, signatureValue);
  } catch {
    return false; // a key of the wrong type or a value that is not base64: it does not verify
  }
}
