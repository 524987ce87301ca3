'use strict';

/**
 * One row per pull-next URI handed out; its id is the URI's last segment.
 * `message_ids` is the batch delivered together with that URI; requesting the
 * URI acknowledges it (`acked_at`) and links the URI handed out next (`next_id`).
 * So only a stream's newest iteration can hold an unacknowledged batch, and the
 * partial index finds those few rows when a stream is closed or expires.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE iterations (
        id          uuid        PRIMARY KEY,
        stream_id   bigint      NOT NULL REFERENCES streams (id),
        message_ids bigint[]    NOT NULL DEFAULT '{}',
        acked_at    timestamptz,
        next_id     uuid        REFERENCES iterations (id),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryInterface.sequelize.query(
      'CREATE INDEX iterations_unacked_by_stream ON iterations (stream_id) WHERE acked_at IS NULL',
    );
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE iterations');
  },
};
