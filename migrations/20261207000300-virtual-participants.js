'use strict';

/**
 * Virtual participants (docs/virtual-participants.md): participants pix-stream
 * plays itself, so a bank has a counterparty that pays it and answers it.
 *
 * virtual_participants: one per virtual ISPB, with the profile it answers by
 *   (src/virtual/profile.ts). The Central Bank's two are there from the start:
 *   99999A04 answers ACSP to everything, 99999A03 pays.
 * virtual_answers: what a virtual participant will post and when: its pacs.002
 *   to an instruction it fetched from its stream (ACSP, RJCT, or a second
 *   answer), or a pacs.004 returning a payment it received. Planned when the
 *   instruction is fetched, keyed by (instruction_id, kind), so a batch
 *   fetched again after a crash plans nothing twice; biz_msg_idr is fixed at
 *   planning, so an answer posted again after a crash is a repost. A worker
 *   claims due rows by lease (claimed_until) with SKIP LOCKED and deletes them
 *   once posted.
 * virtual_payment_runs: POST /api/util/virtual/{ispb}/payments: `total`
 *   payments from ispb to to_ispb at per_second. `sent` advances only after
 *   the payments up to it were stored; each payment's ids are derived from
 *   (run id, its sequence number), so sending again after a crash reposts.
 */
module.exports = {
  async up(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`
      CREATE TABLE virtual_participants (
        ispb       char(8)     PRIMARY KEY CHECK (ispb ~ '^[0-9A-Z]{8}$'),
        profile    jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q(`INSERT INTO virtual_participants (ispb, profile) VALUES
               ('99999A04', '{"answer": "ACSP"}'),
               ('99999A03', '{"answer": "ACSP"}')`);
    await q(`
      CREATE TABLE virtual_answers (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ispb           char(8)     NOT NULL,
        instruction_id varchar(32) NOT NULL,
        end_to_end_id  varchar(32) NOT NULL,
        kind           varchar(9)  NOT NULL CHECK (kind IN ('ACSP', 'RJCT', 'duplicate', 'return')),
        reason         varchar(4),
        amount_cents   bigint,
        biz_msg_idr    varchar(32) NOT NULL,
        due_at         timestamptz NOT NULL,
        claimed_until  timestamptz,
        UNIQUE (instruction_id, kind)
      )`);
    await q('CREATE INDEX virtual_answers_due ON virtual_answers (due_at)');
    await q(`
      CREATE TABLE virtual_payment_runs (
        id               uuid        PRIMARY KEY,
        ispb             char(8)     NOT NULL,
        to_ispb          char(8)     NOT NULL,
        total            integer     NOT NULL CHECK (total > 0),
        sent             integer     NOT NULL DEFAULT 0 CHECK (sent BETWEEN 0 AND total),
        per_second       real        NOT NULL CHECK (per_second > 0),
        amount_cents     bigint      CHECK (amount_cents > 0),
        local_instrument varchar(4)  NOT NULL DEFAULT 'MANU' CHECK (local_instrument IN ('MANU', 'QRDN')),
        state            varchar(9)  NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'stopped')),
        claimed_until    timestamptz,
        started_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q(`CREATE INDEX virtual_payment_runs_running ON virtual_payment_runs (started_at) WHERE state = 'running'`);
  },

  async down(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q('DROP TABLE virtual_payment_runs');
    await q('DROP TABLE virtual_answers');
    await q('DROP TABLE virtual_participants');
  },
};
