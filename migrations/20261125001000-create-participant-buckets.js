'use strict';

/**
 * The ICOM face's traffic limit: one token bucket per participant, shared by
 * every API process (src/limits/take-token.ts is the one statement that reads
 * and writes it). `tokens` is what the bucket held at `counted_at`; the
 * refill since then is worked out from the clock, so nothing ticks in the
 * background.
 *
 * - UNLOGGED: a bucket is worth nothing after a crash, and a table without WAL
 *   commits without waiting for a flush to disk. The row lock that orders one
 *   participant's requests is therefore held for the statement alone, never
 *   across an fsync. bench/token-bucket.ts, every call on one participant,
 *   fsync on: 5,700 charges/s unlogged, 554/s logged — a logged table could
 *   not even carry the default refill of 750/s.
 *   After a crash, or on a promoted standby, the table starts empty: every
 *   participant gets a full bucket, which is what a restart should do.
 * - fillfactor 50: every request rewrites its row. The primary key is never
 *   changed, so with room left on the page the new version is a HOT update (no
 *   index entry) and the old one is pruned in place; a few hundred
 *   participants fit in a handful of pages.
 * - The CHECK is the face's ISPB rule ([0-9A-Z]{8}): the middleware validates
 *   before charging, so junk never becomes a key.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE UNLOGGED TABLE participant_buckets (
        ispb       char(8)          PRIMARY KEY CHECK (ispb ~ '^[0-9A-Z]{8}$'),
        tokens     double precision NOT NULL CHECK (tokens >= 0),
        counted_at timestamptz      NOT NULL
      ) WITH (fillfactor = 50)`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE participant_buckets');
  },
};
