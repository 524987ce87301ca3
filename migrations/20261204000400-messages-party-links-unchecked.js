'use strict';

/**
 * Drops the foreign keys messages.payer_id -> clients and
 * messages.receiver_id -> clients.
 *
 * Every stored transfer paid for two checks, each a `SELECT ... FOR KEY SHARE`
 * of a clients row run per inserted row: EXPLAIN ANALYZE of 5,000 generated
 * rows inserted in one statement (embedded PostgreSQL 18) spent 31.5 and
 * 26.8 ms in the two checks out of 197 ms. The key-share lock also writes to
 * the client's row, and a client that pays or receives in several concurrent
 * transactions (a pool of payers, one receiver's parties) is then locked by
 * all of them at once, which PostgreSQL records as a multixact.
 * `node dist/bench/run.js --only generation,inbound`, alternated twice
 * (embedded PostgreSQL 18): ICOM inbound 3,326 / 3,020 msg/s with the keys,
 * 3,797 / 3,413 without; generation of 1,000,000 70.1 / 71.7 s, then
 * 69.3 / 67.6 s (100,000: 6.34 / 6.81 s, then 6.17 / 7.18 s, no change).
 *
 * Both columns are only ever set from clients rows read or upserted just
 * before (src/generation/generator.ts takes its pools from the table,
 * src/inbound/sql/upsert-parties.ts returns the ids it inserted or found), and
 * clients are never deleted, so the checks could not fail.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE messages DROP CONSTRAINT messages_payer_id_fkey;
      ALTER TABLE messages DROP CONSTRAINT messages_receiver_id_fkey`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE messages ADD CONSTRAINT messages_payer_id_fkey FOREIGN KEY (payer_id) REFERENCES clients (id);
      ALTER TABLE messages ADD CONSTRAINT messages_receiver_id_fkey FOREIGN KEY (receiver_id) REFERENCES clients (id)`);
  },
};
