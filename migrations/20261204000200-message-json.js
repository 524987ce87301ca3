'use strict';

/**
 * messages.json: a credit transfer's challenge JSON, rendered once by whoever
 * stores it (the generator, ICOM inbound), as messages.xml is for the ICOM face.
 * A challenge pull then joins stored texts instead of building ten objects
 * from twenty client lookups per batch: that building was the largest single
 * part of the pull statement, 1.05 of 3.63 ms for a group of 6 pulls of 10
 * (EXPLAIN ANALYZE, embedded PostgreSQL 18, 2 cores).
 *
 * STORAGE PLAIN: kept inline and uncompressed. The row's other columns leave
 * it far below a page (about 800 bytes with the JSON; the XML goes out of line,
 * see migrations/…-icom-face.js); compressing or moving this text out of line
 * is what made an earlier trial of stored JSON (a plain EXTENDED column) cost
 * generation about twice its time.
 *
 * Rows without it (stored earlier, or by a seeder's SQL) are built at delivery
 * as before (stream/sql/payload.ts); other kinds have no JSON form.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE messages ADD COLUMN json text;
      ALTER TABLE messages ALTER COLUMN json SET STORAGE PLAIN`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('ALTER TABLE messages DROP COLUMN json');
  },
};
