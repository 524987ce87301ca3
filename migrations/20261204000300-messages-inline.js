'use strict';

/**
 * messages goes back to PostgreSQL's default toast_tuple_target (about 2 KB).
 *
 * migrations/…-icom-face.js set it to 128 so that a claim, which then
 * rewrote the whole message row, copied a narrow tuple and a TOAST pointer
 * instead of the XML. Claims now rewrite rows of deliveries
 * (migrations/…-deliveries.js), and a message row is written once. With the
 * default, the XML (about 1.7 KB, 1.0 KB compressed) stays in the row,
 * compressed, instead of going to the TOAST table: storing a message no longer
 * writes a TOAST row and its index entry, an ICOM delivery reads one row
 * instead of following a pointer, and retention deletes one row per message.
 * Generation of 100,000 messages (sync POST, embedded PostgreSQL 18, two runs
 * each, same database): 8.68 / 9.65 s with 128, 7.78 / 7.42 s with the default.
 * Rows stored before keep their out-of-line XML; both read the same.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query('ALTER TABLE messages RESET (toast_tuple_target)');
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('ALTER TABLE messages SET (toast_tuple_target = 128)');
  },
};
