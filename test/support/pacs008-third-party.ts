/** A pacs.008 as a parser we did not write (fast-xml-parser) reads it, mapped back to the challenge's JSON fields. */
import { XMLParser } from 'fast-xml-parser';
import type { Party, PixMessage } from '../../src/iso20022/message';

// Its defaults for entities (the five predefined ones decoded), nothing that would reshape values.
export const thirdPartyXml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type N = Record<string, any>;

/** The challenge JSON held by a CdtTrfTxInf element. */
export function jsonFromThirdParty(tx: N): PixMessage {
  const party = (role: 'Dbtr' | 'Cdtr'): Party => {
    const id = tx[role].Id;
    if (Object.keys(id).length !== 1) throw new Error(`${role}/Id holds ${Object.keys(id).join(', ')}`);
    return {
      nome: tx[role].Nm ?? null,
      cpfCnpj: (id.PrvtId ?? id.OrgId).Othr.Id,
      ispb: tx[`${role}Agt`].FinInstnId.ClrSysMmbId.MmbId,
      agencia: tx[`${role}Acct`].Id.Othr.Issr ?? null,
      contaTransacional: tx[`${role}Acct`].Id.Othr.Id,
      tipoConta: tx[`${role}Acct`].Tp.Cd,
    };
  };
  return {
    endToEndId: tx.PmtId.EndToEndId,
    valor: Number(tx.IntrBkSttlmAmt['#text']),
    pagador: party('Dbtr'),
    recebedor: party('Cdtr'),
    campoLivre: tx.RmtInf?.Ustrd ?? '',
    txId: tx.PmtId.TxId ?? null,
    dataHoraPagamento: tx.AccptncDtTm,
  };
}

/** What survives the SPI's pacs.008: all of the JSON but the creditor's name, which it does not carry. */
export function withoutCreditorName<M extends { recebedor: object }>(message: M): M {
  return { ...message, recebedor: { ...message.recebedor, nome: null } };
}
