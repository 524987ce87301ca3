'use strict';

/**
 * Leaner pulls, and retention that does not scan:
 *
 * - Drops messages.iteration_id -> iterations. A claim sets iteration_id on up
 *   to 10 rows, and PostgreSQL checked each one with its own lookup of the
 *   iteration (a `SELECT ... FOR KEY SHARE` through SPI, per row), an iteration
 *   the same statement had just inserted.
 * - Drops iterations.next_id -> iterations: one more such check per pull.
 *   Both links are set by one statement only (src/stream/sql/pull-batch.ts),
 *   which inserts the iteration they point at in that same statement, so the
 *   checks could never fail. Neither column is indexed, so on a DELETE of
 *   iterations each key also meant a scan of its table per deleted row: with
 *   them, retention's batch of 1,000 iterations at 300,000 rows ran past the
 *   30 s statement timeout. Retention deletes a batch's messages together with
 *   its iteration, so no link is left pointing at a deleted row.
 * - Replaces the partial index iterations_unacked_by_stream (stream_id WHERE
 *   acked_at IS NULL) with iterations_by_stream (stream_id, created_at). Same
 *   cost at insert (a new iteration entered the partial index too), but:
 *   acknowledging no longer changes an indexed column, so with room on the
 *   page (fillfactor 80) the pull's update of the previous iteration is a HOT
 *   update instead of a new version entered in every index; and deleting an
 *   ended stream (retention) checks iterations.stream_id through an index
 *   instead of scanning the table. A stream's unacknowledged batch is its
 *   newest iteration's, found as the last entry of the stream's range.
 *
 * iterations.stream_id -> streams stays: one check per pull, on a row the pull
 * already holds locked, and it keeps a stream from being deleted under its
 * iterations.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE messages DROP CONSTRAINT messages_iteration_id_fkey;
      ALTER TABLE iterations DROP CONSTRAINT iterations_next_id_fkey;
      CREATE INDEX iterations_by_stream ON iterations (stream_id, created_at);
      DROP INDEX iterations_unacked_by_stream;
      ALTER TABLE iterations SET (fillfactor = 80)`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE iterations RESET (fillfactor);
      CREATE INDEX iterations_unacked_by_stream ON iterations (stream_id) WHERE acked_at IS NULL;
      DROP INDEX iterations_by_stream;
      ALTER TABLE messages ADD CONSTRAINT messages_iteration_id_fkey FOREIGN KEY (iteration_id) REFERENCES iterations (id);
      ALTER TABLE iterations ADD CONSTRAINT iterations_next_id_fkey FOREIGN KEY (next_id) REFERENCES iterations (id)`);
  },
};
