/**
 * The certificate reference in KeyInfo. The SPI names the signing
 * certificate, it does not carry it: KeyInfo Id="key-info-id" holding
 * X509Data/X509IssuerSerial with the issuer's name (RFC 4514) and the serial
 * number in decimal (#212, #330; Manual de Segurança section 3). The
 * verifier finds the certificate among those registered for the sender.
 *
 * Matching diagnoses the mistakes banks make: the subject's name written
 * where the issuer's belongs (aws-samples/pix-proxy-samples#15), the name's
 * RDNs in openssl's order, the serial in hex, a certificate embedded instead
 * of named.
 */
import type { CertificateInfo } from './certificates.js';
import type { Finding } from './diagnosis.js';
import { compareNames, parseName } from './distinguished-name.js';
import { dsChildren, textOf } from './spi-message.js';

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The KeyInfo element the SPI writes, for `cert`, with `prefix` bound to the XMLDSig namespace by the caller. */
export function renderKeyInfo(cert: CertificateInfo, id: string, prefix: string): string {
  const p = prefix === '' ? '' : `${prefix}:`;
  return (
    `<${p}KeyInfo Id="${escapeText(id).replace(/"/g, '&quot;')}"><${p}X509Data><${p}X509IssuerSerial>` +
    `<${p}X509IssuerName>${escapeText(cert.issuer)}</${p}X509IssuerName>` +
    `<${p}X509SerialNumber>${cert.serialDecimal}</${p}X509SerialNumber>` +
    `</${p}X509IssuerSerial></${p}X509Data></${p}KeyInfo>`
  );
}

export interface KeyInfoContent {
  issuerName: string | null;
  serialNumber: string | null;
  /** Base64 DER of any X509Certificate elements. */
  embedded: string[];
}

export function readKeyInfo(keyInfo: Element): KeyInfoContent {
  const content: KeyInfoContent = { issuerName: null, serialNumber: null, embedded: [] };
  for (const data of dsChildren(keyInfo, 'X509Data')) {
    for (const issuerSerial of dsChildren(data, 'X509IssuerSerial')) {
      const name = dsChildren(issuerSerial, 'X509IssuerName')[0];
      const serial = dsChildren(issuerSerial, 'X509SerialNumber')[0];
      if (name !== undefined) content.issuerName ??= textOf(name);
      if (serial !== undefined) content.serialNumber ??= textOf(serial);
    }
    for (const c of dsChildren(data, 'X509Certificate')) content.embedded.push(textOf(c).replace(/\s+/g, ''));
  }
  return content;
}

export interface KeyInfoMatch {
  cert: CertificateInfo | null;
  findings: Finding[];
}

function listRegistered(certs: readonly CertificateInfo[]): string {
  return certs.length === 0 ? '(no certificate registered)' : certs.map((c) => `${c.issuer} / ${c.serialDecimal}`).join('; ');
}

function unknown(found: string, certs: readonly CertificateInfo[], sender: string | null): Finding {
  const whose = sender === null ? 'for the sender' : `for ISPB ${sender}`;
  return {
    code: 'certificate-unknown',
    severity: 'error',
    message: `KeyInfo names a certificate that is not among the ${certs.length} registered ${whose}: register it, or sign with a registered one`,
    found,
    required: listRegistered(certs),
  };
}

function parseSerial(text: string, findings: Finding[]): bigint | null {
  if (/^\d+$/.test(text)) return BigInt(text);
  if (/^(0x)?[0-9a-fA-F]+$/.test(text)) {
    findings.push({
      code: 'keyinfo-serial-not-decimal',
      severity: 'error',
      message: 'X509SerialNumber must be the serial in decimal (an XML Schema integer); this one reads as hexadecimal',
      found: text,
    });
    return BigInt(text.startsWith('0x') ? text : `0x${text}`);
  }
  findings.push({ code: 'keyinfo-malformed', severity: 'error', message: 'X509SerialNumber is not a number', found: text });
  return null;
}

function matchIssuerSerial(issuerText: string, serialText: string, certs: readonly CertificateInfo[], sender: string | null): KeyInfoMatch {
  const findings: Finding[] = [];
  const serial = parseSerial(serialText, findings);
  const issuer = parseName(issuerText);
  if (issuer === null) findings.push({ code: 'keyinfo-malformed', severity: 'error', message: 'X509IssuerName is not a distinguished name', found: issuerText });
  if (serial === null || issuer === null) return { cert: null, findings };
  const found = `${issuerText} / ${serialText}`;
  for (const cert of certs.filter((c) => BigInt(c.serialDecimal) === serial)) {
    const byIssuer = compareNames(issuer, cert.issuerName);
    if (byIssuer !== 'different') {
      if (byIssuer === 'reordered') {
        findings.push({
          code: 'keyinfo-issuer-name-form',
          severity: 'warning',
          message: 'X509IssuerName has the right attributes in another order; write it as RFC 4514 does, most significant RDN last',
          found: issuerText,
          required: cert.issuer,
        });
      }
      return { cert, findings };
    }
    if (compareNames(issuer, cert.subjectName) !== 'different') {
      findings.push({
        code: 'keyinfo-issuer-is-subject',
        severity: 'error',
        message: "X509IssuerName holds the certificate's own subject name; it must hold its issuer's (the CA's) name",
        found: issuerText,
        required: cert.issuer,
      });
      return { cert: null, findings };
    }
  }
  findings.push(unknown(found, certs, sender));
  return { cert: null, findings };
}

/** Finds the certificate KeyInfo names among `certs` (those registered for `sender`). */
export function matchKeyInfo(content: KeyInfoContent, certs: readonly CertificateInfo[], sender: string | null): KeyInfoMatch {
  if (content.issuerName !== null && content.serialNumber !== null) return matchIssuerSerial(content.issuerName, content.serialNumber, certs, sender);
  if (content.embedded.length > 0) {
    const findings: Finding[] = [
      { code: 'keyinfo-form', severity: 'warning', message: 'KeyInfo embeds the certificate; the SPI names it with X509Data/X509IssuerSerial instead', found: 'X509Certificate', required: 'X509IssuerSerial' },
    ];
    for (const b64 of content.embedded) {
      const der = Buffer.from(b64, 'base64');
      const cert = certs.find((c) => c.x509.raw.equals(der));
      if (cert !== undefined) return { cert, findings };
    }
    findings.push(unknown('an embedded X509Certificate', certs, sender));
    return { cert: null, findings };
  }
  return {
    cert: null,
    findings: [{ code: 'keyinfo-malformed', severity: 'error', message: 'KeyInfo names no certificate: it needs X509Data/X509IssuerSerial with X509IssuerName and X509SerialNumber', required: 'X509IssuerSerial' }],
  };
}
