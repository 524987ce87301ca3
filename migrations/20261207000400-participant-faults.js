'use strict';

/**
 * Faults for a participant under test (docs/faults.md): what its own ICOM
 * requests meet, set by PUT /api/util/faults/{ispb}.
 *
 * participant_faults: one row per participant with faults on; `faults` as
 *   src/virtual/faults.ts reads it; since = when they were set (a 503 window
 *   runs from there).
 * fault_counts: how many of each fault were injected, per participant, across
 *   every process (the dashboard shows them).
 * held_reports: the SPI's AB03 reports to a participant with late AB03 on,
 *   held until release_at and then stored in its stream (the row as
 *   inbound/sql/insert-posted.ts stores it, in JSON).
 */
module.exports = {
  async up(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`
      CREATE TABLE participant_faults (
        ispb       char(8)     PRIMARY KEY CHECK (ispb ~ '^[0-9A-Z]{8}$'),
        faults     jsonb       NOT NULL,
        since      timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q(`
      CREATE TABLE fault_counts (
        ispb  char(8)     NOT NULL,
        fault varchar(16) NOT NULL,
        n     bigint      NOT NULL,
        PRIMARY KEY (ispb, fault)
      )`);
    await q(`
      CREATE TABLE held_reports (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ispb       char(8)     NOT NULL,
        release_at timestamptz NOT NULL,
        row        jsonb       NOT NULL
      )`);
    await q('CREATE INDEX held_reports_due ON held_reports (release_at)');
  },

  async down(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q('DROP TABLE held_reports');
    await q('DROP TABLE fault_counts');
    await q('DROP TABLE participant_faults');
  },
};
