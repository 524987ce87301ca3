/**
 * The protocol's message JSON, built by PostgreSQL and handed to Node as text:
 * the hot path never hydrates objects or re-serialises them. Expects the
 * message as `m`. Each party is a lookup by primary key (a scalar subquery, not
 * a join), so the plan stays an index lookup per message however large
 * `clients` grows and whatever the planner guesses about the batch. An
 * account stored without a branch ('') shows agencia null, as a transfer
 * without a TxId shows txId null.
 */
function partyJson(clientId: string): string {
  return `(SELECT json_build_object(
      'nome', c.nome, 'cpfCnpj', c.cpf_cnpj, 'ispb', c.ispb, 'agencia', nullif(c.agencia, ''),
      'contaTransacional', c.conta_transacional, 'tipoConta', c.tipo_conta)
     FROM clients c WHERE c.id = ${clientId})`;
}

export const MESSAGE_JSON_SQL = `json_build_object(
    'endToEndId', m.end_to_end_id,
    'valor', m.valor,
    'pagador', ${partyJson('m.payer_id')},
    'recebedor', ${partyJson('m.receiver_id')},
    'campoLivre', m.campo_livre,
    'txId', m.tx_id,
    'dataHoraPagamento', to_char(m.paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text`;
