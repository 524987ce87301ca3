/**
 * The protocol's message JSON, built by PostgreSQL and handed to Node as text:
 * the hot path never hydrates objects or re-serialises them.
 * Expects the message as `m`, payer as `p`, receiver as `r`.
 */
function partyJson(alias: string): string {
  return `json_build_object(
    'nome', ${alias}.nome, 'cpfCnpj', ${alias}.cpf_cnpj, 'ispb', ${alias}.ispb, 'agencia', ${alias}.agencia,
    'contaTransacional', ${alias}.conta_transacional, 'tipoConta', ${alias}.tipo_conta)`;
}

export const MESSAGE_JSON_SQL = `json_build_object(
    'endToEndId', m.end_to_end_id,
    'valor', m.valor,
    'pagador', ${partyJson('p')},
    'recebedor', ${partyJson('r')},
    'campoLivre', m.campo_livre,
    'txId', m.tx_id,
    'dataHoraPagamento', to_char(m.paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text`;
