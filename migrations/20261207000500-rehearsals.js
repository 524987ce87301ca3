'use strict';

/**
 * Capacity rehearsals (docs/rehearsal.md): the homologation capacity test run
 * against a participant under test, P. One row per rehearsal: 99999A03 pays P
 * through its payment run (virtual_payment_runs) while P pays 99999A04 at the
 * same rate, from started_at for `minutes`. Everything a scorecard shows is
 * read from the instructions and deliveries themselves (src/rehearsal/sql/),
 * so any process answers for any rehearsal; stopped_at is set by DELETE.
 * At most one rehearsal of a participant runs at a time (a partial unique
 * index on the running ones would need now(): the service checks it in the
 * transaction that inserts, under an advisory lock on the ISPB).
 */
module.exports = {
  async up(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`
      CREATE TABLE rehearsals (
        id             uuid        PRIMARY KEY,
        ispb           char(8)     NOT NULL CHECK (ispb ~ '^[0-9A-Z]{8}$'),
        per_minute     integer     NOT NULL CHECK (per_minute > 0),
        minutes        real        NOT NULL CHECK (minutes > 0),
        payment_run_id uuid        NOT NULL,
        started_at     timestamptz NOT NULL DEFAULT now(),
        ends_at        timestamptz NOT NULL,
        settled_by     timestamptz NOT NULL,
        stopped_at     timestamptz
      )`);
    await q('CREATE INDEX rehearsals_by_ispb ON rehearsals (ispb, started_at)');
    await q('CREATE INDEX rehearsals_recent ON rehearsals (settled_by)');
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE rehearsals');
  },
};
