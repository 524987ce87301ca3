'use strict';

/**
 * One row per started stream. open -> closed (DELETE or stop) | expired (idle).
 * The partial indexes cover the two questions asked of open streams: how many
 * an ISPB has (collector limit), and which went quiet (expiry).
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
        closed_at    timestamptz,
        CHECK ((status = 'open') = (closed_at IS NULL))
      )`);
    await queryInterface.sequelize.query(`CREATE INDEX streams_open_by_ispb ON streams (ispb) WHERE status = 'open'`);
    await queryInterface.sequelize.query(`CREATE INDEX streams_open_by_last_seen ON streams (last_seen_at) WHERE status = 'open'`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE streams');
  },
};
