'use strict';

/**
 * Drops the two foreign keys a pull used to check on every run:
 *
 * - messages.iteration_id -> iterations: a claim sets iteration_id on up to 10
 *   rows, and PostgreSQL checked each one with its own lookup of the iteration
 *   (a `SELECT ... FOR KEY SHARE` through SPI, per row), an iteration the same
 *   statement had just inserted.
 * - iterations.next_id -> iterations: one more such check per pull, on the
 *   iteration inserted by the same statement.
 *
 * Both links are set by one statement only (src/stream/sql/pull-batch.ts),
 * which inserts the iteration they point at in that same statement, so the
 * checks could never fail. Retention deletes a batch's messages together with
 * its iteration, so no link is left pointing at a deleted row.
 *
 * iterations.stream_id -> streams stays: one check per pull, on a row the pull
 * already holds locked, and it keeps a stream from being deleted under its
 * iterations.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE messages DROP CONSTRAINT messages_iteration_id_fkey;
      ALTER TABLE iterations DROP CONSTRAINT iterations_next_id_fkey`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE messages ADD CONSTRAINT messages_iteration_id_fkey FOREIGN KEY (iteration_id) REFERENCES iterations (id);
      ALTER TABLE iterations ADD CONSTRAINT iterations_next_id_fkey FOREIGN KEY (next_id) REFERENCES iterations (id)`);
  },
};
