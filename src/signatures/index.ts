/**
 * Signed SPI messages: signing as the SPI signs, and verification that says
 * what a bank got wrong. docs/signatures-rules.md states the rules and their
 * sources.
 *
 *   createSigner({ privateKey, certificatePem }).sign(xml)   → signed xml
 *   verifySignature(xml, { certificates, expectedSender, now }) → Diagnosis
 */
export { createSigner, MessageSigner, signMessage, SigningError, type SignOptions, type SigningCredentials } from './sign.js';
export { verifySignature, type VerifyOptions } from './verify.js';
export type { Diagnosis, Finding, FindingCode, ReferenceReport, Severity, SignedInfoReport, SignerReport, Verdict } from './diagnosis.js';
export { CertificateCache, defaultCertificateCache, ISPB_PATTERN, parseCertificate, validityAt, type CertificateInfo, type Validity } from './certificates.js';
export * as algorithms from './algorithms.js';
export { SPI_POLICY, type ReferenceRole, type SignaturePolicy } from './algorithms.js';
