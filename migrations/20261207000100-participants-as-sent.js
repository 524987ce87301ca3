'use strict';

/**
 * What participants really send in a pacs.008 (catalogue 5.13.1,
 * pacs.008.spi.1.16), stored as sent:
 *
 * - clients.nome may be null: the SPI's pacs.008 carries no creditor name.
 * - clients.agencia '' is an account without a branch (Issr is optional). An
 *   empty string, not null, because the account's unique key must hold a
 *   value: NULLs are distinct there, and the key is probed with `=`.
 * - clients.cpf_cnpj takes the alphanumeric CNPJ ([0-9A-Z]{12}[0-9]{2}),
 *   conta_transacional letters ([0-9A-Z]{1,20}), tipo_conta OTHR: the
 *   catalogue's PICpfCnpj, ContaUsuarioType and ExternalCashAccountType1Code.
 * - messages.tx_id is required of no credit transfer: a manual (MANU) or
 *   Pix-key (DICT) payment carries none.
 */
const CHECKS = {
  cpf_cnpj: ["'^([0-9]{11}|[0-9]{14})$'", "'^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$'"],
  agencia: ["'^[0-9]{1,4}$'", "'^[0-9]{0,4}$'"],
  conta_transacional: ["'^[0-9]{1,20}$'", "'^[0-9A-Z]{1,20}$'"],
};
const TIPOS = ["('CACC', 'SVGS', 'SLRY', 'TRAN')", "('CACC', 'OTHR', 'SVGS', 'SLRY', 'TRAN')"];
const TRANSFER_COMPLETE = (txId) => `CHECK (kind <> 'pacs.008' OR (
  end_to_end_id IS NOT NULL AND valor IS NOT NULL AND payer_id IS NOT NULL AND receiver_id IS NOT NULL
  ${txId ? 'AND tx_id IS NOT NULL ' : ''}AND paid_at IS NOT NULL))`;

async function set(queryInterface, version) {
  const q = (sql) => queryInterface.sequelize.query(sql);
  for (const [column, patterns] of Object.entries(CHECKS)) {
    await q(`ALTER TABLE clients DROP CONSTRAINT clients_${column}_check,
               ADD CONSTRAINT clients_${column}_check CHECK (${column} ~ ${patterns[version]})`);
  }
  await q(`ALTER TABLE clients DROP CONSTRAINT clients_tipo_conta_check,
             ADD CONSTRAINT clients_tipo_conta_check CHECK (tipo_conta IN ${TIPOS[version]})`);
  await q(`ALTER TABLE messages DROP CONSTRAINT messages_transfer_complete,
             ADD CONSTRAINT messages_transfer_complete ${TRANSFER_COMPLETE(version === 0)}`);
}

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query('ALTER TABLE clients ALTER COLUMN nome DROP NOT NULL');
    await set(queryInterface, 1);
  },

  async down(queryInterface) {
    // Refused by PostgreSQL while rows stored under the wider rules remain: they are the operator's to remove.
    await set(queryInterface, 0);
    await queryInterface.sequelize.query('ALTER TABLE clients ALTER COLUMN nome SET NOT NULL');
  },
};
