'use strict';

/**
 * One row per started stream. open -> closed (DELETE or stop) | expired (idle).
 * Each stream keeps the idle timeout it was opened with, and every request
 * pushes its `expires_at` on: processes with different STREAM_IDLE_TIMEOUT_S
 * (a rolling config change) never expire each other's streams early.
 * The partial index answers how many open streams an ISPB has (collector
 * limit); the expiry job reads all open streams (a few per ISPB) through it too.
 * last_seen_at and expires_at are deliberately left out of every index: each
 * pull moves them, and unindexed they are updated in place (a HOT update)
 * instead of adding index entries for the busiest rows of the table.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE streams (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ispb         char(8)     NOT NULL CHECK (ispb ~ '^[0-9]{8}$'),
        status       varchar(8)  NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'expired')),
        opened_at    timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        idle_timeout interval    NOT NULL CHECK (idle_timeout > interval '0'),
        expires_at   timestamptz NOT NULL,
        closed_at    timestamptz,
        CHECK ((status = 'open') = (closed_at IS NULL))
      )`);
    await queryInterface.sequelize.query(`CREATE INDEX streams_open_by_ispb ON streams (ispb) WHERE status = 'open'`);

  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE streams');
  },
};
