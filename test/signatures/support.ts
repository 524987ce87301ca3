/**
 * Fixtures and messages for the signature tests: the committed test
 * certificates (fixtures/, made by scripts/make-test-certificate.sh), SPI
 * messages built with the repository's own renderers, and a fixed clock
 * inside every fixture's validity period. No database: these tests are pure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderAdmi002 } from '../../src/iso20022/admi002';
import { newBizMsgIdr, newEndToEndId } from '../../src/iso20022/ids';
import type { PixMessage } from '../../src/iso20022/message';
import { renderPacs002 } from '../../src/iso20022/pacs002';
import { renderPacs008 } from '../../src/iso20022/pacs008';
import { createSigner, type MessageSigner, type SignOptions } from '../../src/signatures';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const PARTICIPANT_ISPB = '12345678';
export const OTHER_ISPB = '87654321';
export const SPI_ISPB = '00038166';
/** Inside 2025-01-01..2035-12-31 (the valid fixtures), after the expired one's 2021-01-01. */
export const NOW = new Date('2026-12-07T12:00:00.000Z');

export type FixtureName = 'ca' | 'spi' | 'participant' | 'participant-expired' | 'participant-other-ispb';

export function cert(name: FixtureName): string {
  return readFileSync(path.join(FIXTURES, `${name}.crt`), 'utf8');
}

export function key(name: FixtureName): string {
  return readFileSync(path.join(FIXTURES, `${name}.key`), 'utf8');
}

export function signerOf(name: FixtureName, options?: SignOptions): MessageSigner {
  return createSigner({ privateKey: key(name), certificatePem: cert(name) }, options);
}

/** A signer whose key is `keyName`'s but whose KeyInfo names `certName`'s certificate. */
export function mismatchedSigner(keyName: FixtureName, certName: FixtureName): MessageSigner {
  return createSigner({ privateKey: key(keyName), certificatePem: cert(certName) }, { requireMatchingKey: false });
}

function payment(from: string, to: string, at: Date): PixMessage {
  return {
    endToEndId: newEndToEndId(from, at),
    valor: 1234.56,
    pagador: { nome: 'Joana D’Arc & Filhos <Ltda>', cpfCnpj: '11144477735', ispb: from, agencia: '0001', contaTransacional: '123456', tipoConta: 'CACC' },
    recebedor: { nome: 'Caio', cpfCnpj: '52998224725', ispb: to, agencia: '42', contaTransacional: '98765', tipoConta: 'SVGS' },
    campoLivre: 'Pagamento "teste" de assinatura, ção',
    txId: 'TXID0123456789abcdefghijKLMNOP',
    dataHoraPagamento: at.toISOString(),
  };
}

/** A pacs.008 (about 2 KB) that participant `from` posts to the SPI, unsigned (`<Sgntr/>`). */
export function pacs008(from = PARTICIPANT_ISPB, to = OTHER_ISPB, at = new Date('2026-12-07T11:59:00.000Z')): string {
  return renderPacs008(payment(from, to, at), { bizMsgIdr: newBizMsgIdr(from, at), from, to: SPI_ISPB, createdAt: at });
}

/** A pacs.002 ACSP from participant `from` about a payment to it. */
export function pacs002(from = PARTICIPANT_ISPB, at = new Date('2026-12-07T11:59:01.000Z')): string {
  return renderPacs002({ originalEndToEndId: newEndToEndId(OTHER_ISPB, at), status: 'ACSP' }, { bizMsgIdr: newBizMsgIdr(from, at), from, to: SPI_ISPB, createdAt: at });
}

/** An admi.002 the SPI sends to `to`. */
export function admi002(to = PARTICIPANT_ISPB, at = new Date('2026-12-07T11:59:02.000Z')): string {
  return renderAdmi002(
    { rejectedBizMsgIdr: newBizMsgIdr(to, at), reason: 'SIGN', description: 'Assinatura inválida: <DigestValue> não confere & outros' },
    { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to, createdAt: at },
  );
}

/** Replaces the first occurrence of `from` in `xml`, failing loudly when it is absent (a test that tampers nothing proves nothing). */
export function tamper(xml: string, from: string | RegExp, to: string): string {
  const out = xml.replace(from, to);
  if (out === xml) throw new Error(`tamper: ${String(from)} not found`);
  return out;
}
