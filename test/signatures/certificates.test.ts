/**
 * Certificate helpers: what is read from a certificate (checked against the
 * openssl CLI's reading of the same file), the validity period, the LRU of
 * parsed certificates, and the distinguished-name handling KeyInfo relies on.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CertificateCache, parseCertificate, validityAt, verifySignature } from '../../src/signatures';
import { compareNames, escapeValue, parseName } from '../../src/signatures/distinguished-name';
import { cert, FIXTURES, NOW, pacs008, signerOf } from './support';

function opensslField(name: string, field: string): string {
  return execFileSync('openssl', ['x509', '-in', path.join(FIXTURES, `${name}.crt`), '-noout', `-${field}`]).toString().trim().split('=').slice(1).join('=');
}

describe('reading a certificate', () => {
  test('subject, issuer, serial, validity, CN and ISPB', () => {
    const info = parseCertificate(cert('participant'));
    expect(info.subject).toBe('CN=12345678,OU=SPI rehearsal,O=pix-stream,C=BR');
    expect(info.cn).toBe('12345678');
    expect(info.ispb).toBe('12345678');
    expect(info.serialHex).toBe(opensslField('participant', 'serial'));
    expect(BigInt(info.serialDecimal)).toBe(BigInt(`0x${info.serialHex}`));
    expect(info.notAfter.getTime()).toBe(new Date(opensslField('participant', 'enddate')).getTime());
    expect(parseCertificate(cert('ca')).ispb).toBeNull(); // a CN that is not an ISPB
    expect(() => parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow();
  });

  test('validity at an instant, both ends included', () => {
    const info = parseCertificate(cert('participant'));
    expect(validityAt(info, NOW)).toBe('valid');
    expect(validityAt(info, info.notAfter)).toBe('valid');
    expect(validityAt(info, new Date(info.notAfter.getTime() + 1000))).toBe('expired');
    expect(validityAt(info, new Date(info.notBefore.getTime() - 1000))).toBe('not-yet-valid');
    expect(validityAt(parseCertificate(cert('participant-expired')), NOW)).toBe('expired');
  });
});

describe('the parsed-certificate cache', () => {
  test('parses a PEM once, then hands out the same object', () => {
    const cache = new CertificateCache(4);
    const first = cache.get(cert('participant'));
    expect(cache.get(cert('participant'))).toBe(first);
    expect(cache.stats()).toEqual({ size: 1, capacity: 4, hits: 1, misses: 1 });
  });

  test('evicts the least recently used entry beyond its capacity', () => {
    const cache = new CertificateCache(2);
    const a = cache.get(cert('participant'));
    cache.get(cert('spi'));
    cache.get(cert('participant')); // a is now the most recent
    cache.get(cert('ca')); // evicts spi
    expect(cache.size).toBe(2);
    expect(cache.get(cert('participant'))).toBe(a);
    const misses = cache.stats().misses;
    cache.get(cert('spi'));
    expect(cache.stats().misses).toBe(misses + 1);
  });

  test('does not keep a PEM it cannot parse, and verification skips it with a warning', () => {
    const cache = new CertificateCache(2);
    expect(() => cache.get('not a certificate')).toThrow();
    expect(cache.size).toBe(0);
    const d = verifySignature(signerOf('participant').sign(pacs008()), { certificates: ['garbage', cert('participant')], now: NOW, certificateCache: cache });
    expect(d.verdict).toBe('valid');
    expect(d.findings).toEqual([expect.objectContaining({ code: 'certificate-unreadable', severity: 'warning' })]);
    expect(() => new CertificateCache(0)).toThrow(RangeError);
  });
});

describe('distinguished names', () => {
  test('parse RFC 4514, RFC 1779 quoting and OIDs alike', () => {
    const a = parseName('CN=pix-stream Test CA\\, not for production,OU=SPI rehearsal,O=pix-stream,C=BR')!;
    expect(a[0]).toEqual({ type: 'CN', value: 'pix-stream Test CA, not for production' });
    const b = parseName('CN="pix-stream Test CA, not for production", OU=SPI rehearsal, O=pix-stream, 2.5.4.6=BR')!;
    expect(compareNames(a, b)).toBe('same');
    expect(compareNames(a, [...b].reverse())).toBe('reordered');
    expect(compareNames(a, parseName('CN=other,OU=SPI rehearsal,O=pix-stream,C=BR')!)).toBe('different');
    expect(parseName('no equals sign')).toBeNull();
  });

  test('escape what RFC 4514 requires', () => {
    expect(escapeValue('a,b+c"d\\e<f>g;h')).toBe('a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h');
    expect(escapeValue('#lead')).toBe('\\#lead');
    expect(escapeValue(' both ')).toBe('\\ both\\ ');
    expect(parseName(`CN=${escapeValue('x, "y" + z')}`)![0]!.value).toBe('x, "y" + z');
  });
});
