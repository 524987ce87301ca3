'use strict';

/** Parties of a payment (payer or receiver). The same account is stored once. */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE clients (
        id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        nome               varchar(140) NOT NULL CHECK (length(nome) > 0),
        cpf_cnpj           varchar(14)  NOT NULL CHECK (cpf_cnpj ~ '^([0-9]{11}|[0-9]{14})$'),
        ispb               char(8)      NOT NULL CHECK (ispb ~ '^[0-9]{8}$'),
        agencia            varchar(4)   NOT NULL CHECK (agencia ~ '^[0-9]{1,4}$'),
        conta_transacional varchar(20)  NOT NULL CHECK (conta_transacional ~ '^[0-9]{1,20}$'),
        tipo_conta         varchar(4)   NOT NULL CHECK (tipo_conta IN ('CACC', 'SVGS', 'SLRY', 'TRAN')),
        created_at         timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT clients_account_unique UNIQUE (ispb, agencia, conta_transacional, cpf_cnpj)
      )`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE clients');
  },
};
