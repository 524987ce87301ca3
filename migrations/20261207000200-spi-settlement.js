'use strict';

/**
 * The SPI between participants (docs/spi.md): reserve (PI) accounts, their
 * ledger, and every payment instruction the SPI settles.
 *
 * accounts: one per participant, opened at SPI_OPENING_BALANCE when first
 *   seen; the balance in cents, never below zero (a CHECK, so no code path can
 *   overdraw one).
 * ledger_entries: every movement of a balance. A settlement is two entries of
 *   one movement, the payer's debit and the receiver's credit, summing to zero;
 *   an opening or an adjustment (PUT /api/util/accounts/{ispb}) is one entry,
 *   whose counterpart is the SPI's own books. So the sum of all balances moves
 *   only by openings and adjustments. balance_after: the account's balance
 *   once the entry is booked (camt.052 shows it).
 * settlements: one per instruction the SPI holds, a credit transfer
 *   (pacs.008, instruction_id = EndToEndId) or a return (pacs.004,
 *   instruction_id = RtrId, original_end_to_end_id = the transfer it returns):
 *     pending   forwarded to the creditor, who must answer it
 *     settled   the creditor answered ACSP and the money moved
 *     rejected  an RJCT from it, or the SPI's own (AB03 past deadline_at, AM04)
 *   debtor_ispb: who sent the instruction, debited on settlement (the payer of
 *   a transfer; the original receiver, for a return); creditor_ispb: who
 *   answers it, credited.
 *   request_biz_msg_idr / answer_biz_msg_idr: the posted messages, so a repost
 *   of either is recognised as the same message.
 * messages.kind gains the SPI's answers to queries: camt.052, camt.053, pibr.002.
 */
module.exports = {
  async up(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`
      CREATE TABLE accounts (
        ispb          char(8)     PRIMARY KEY CHECK (ispb ~ '^[0-9A-Z]{8}$'),
        balance_cents bigint      NOT NULL CHECK (balance_cents >= 0),
        opened_at     timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q(`
      CREATE TABLE ledger_entries (
        id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        movement_id         bigint      NOT NULL,
        ispb                char(8)     NOT NULL REFERENCES accounts,
        kind                varchar(10) NOT NULL CHECK (kind IN ('opening', 'adjustment', 'transfer', 'return')),
        amount_cents        bigint      NOT NULL,
        balance_after_cents bigint      NOT NULL CHECK (balance_after_cents >= 0),
        reference           varchar(32),
        booked_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q('CREATE SEQUENCE ledger_movements');
    await q('CREATE INDEX ledger_entries_by_account ON ledger_entries (ispb, booked_at)');
    await q(`
      CREATE TABLE settlements (
        instruction_id         varchar(32) PRIMARY KEY,
        kind                   varchar(8)  NOT NULL CHECK (kind IN ('pacs.008', 'pacs.004')),
        original_end_to_end_id varchar(32) NOT NULL,
        debtor_ispb            char(8)     NOT NULL,
        creditor_ispb          char(8)     NOT NULL,
        amount_cents           bigint      NOT NULL CHECK (amount_cents > 0),
        accepted_at            timestamptz NOT NULL,
        received_at            timestamptz NOT NULL,
        deadline_at            timestamptz NOT NULL,
        state                  varchar(8)  NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'settled', 'rejected')),
        reason                 varchar(4),
        request_biz_msg_idr    varchar(32) NOT NULL,
        answer_biz_msg_idr     varchar(32),
        decided_at             timestamptz,
        returned_cents         bigint      NOT NULL DEFAULT 0 CHECK (returned_cents >= 0),
        CHECK (returned_cents <= amount_cents),
        CHECK ((state = 'pending') = (decided_at IS NULL)),
        CHECK ((state = 'rejected') = (reason IS NOT NULL))
      )`);
    await q(`CREATE INDEX settlements_due ON settlements (deadline_at) WHERE state = 'pending'`);
    await q(`CREATE INDEX settlements_returns ON settlements (original_end_to_end_id) WHERE kind = 'pacs.004'`);
    await q('CREATE INDEX settlements_decided ON settlements (decided_at) WHERE decided_at IS NOT NULL');
    await q('ALTER TABLE messages DROP CONSTRAINT messages_kind_check');
    await q(`ALTER TABLE messages ADD CONSTRAINT messages_kind_check
               CHECK (kind IN ('pacs.008', 'pacs.002', 'pacs.004', 'admi.002', 'camt.052', 'camt.053', 'pibr.002'))`);
  },

  async down(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`DELETE FROM messages WHERE kind IN ('camt.052', 'camt.053', 'pibr.002')`);
    await q('ALTER TABLE messages DROP CONSTRAINT messages_kind_check');
    await q(`ALTER TABLE messages ADD CONSTRAINT messages_kind_check CHECK (kind IN ('pacs.008', 'pacs.002', 'pacs.004', 'admi.002'))`);
    await q('DROP TABLE settlements');
    await q('DROP TABLE ledger_entries');
    await q('DROP SEQUENCE ledger_movements');
    await q('DROP TABLE accounts');
  },
};
