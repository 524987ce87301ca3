'use strict';

/**
 * The ICOM face (the Central Bank's interface) beside the challenge's:
 *
 * - streams.face: a stream is read through one face and keeps it (its batches
 *   are replayed in that face's format; the other face cannot follow its URIs).
 *   The collector limit still counts a participant's streams of both faces.
 * - ISPBs are [0-9A-Z]{8} on ICOM; the challenge API still accepts digits only.
 * - messages.resource_id: the PI-ResourceId, made once when the message is
 *   stored ("PI" + 48-bit Unix milliseconds + 16 random bytes, base64, as ICOM's
 *   own ids are), so a redelivery carries the same one. No index: it is only
 *   ever read with its row.
 * - messages.xml: the message as ISO 20022 (pacs.008 in its envelope), rendered
 *   once by whoever stores it. Rows stored without it (before this migration,
 *   or by a seeder) are rendered on their first ICOM delivery and kept.
 *   toast_tuple_target = 128 moves the XML (about 2.5 KB) out of line, so a
 *   claim, which rewrites the row, copies a narrow tuple and a TOAST pointer,
 *   never the XML itself.
 */
const RESOURCE_ID = `encode(
  '\\x5049'::bytea
  || substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3 FOR 6)
  || uuid_send(gen_random_uuid()), 'base64')`;

module.exports = {
  async up(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`ALTER TABLE streams ADD COLUMN face varchar(9) NOT NULL DEFAULT 'challenge' CHECK (face IN ('challenge', 'icom'))`);
    for (const [table, column] of [['streams', 'ispb'], ['messages', 'receiver_ispb'], ['clients', 'ispb']]) {
      await q(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_check`);
      await q(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${column}_check CHECK (${column} ~ '^[0-9A-Z]{8}$')`);
    }
    await q(`ALTER TABLE messages ADD COLUMN resource_id char(32) NOT NULL DEFAULT ${RESOURCE_ID}`);
    await q('ALTER TABLE messages ADD COLUMN xml text');
    await q('ALTER TABLE messages SET (toast_tuple_target = 128)');
  },

  async down(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q('ALTER TABLE messages RESET (toast_tuple_target)');
    await q('ALTER TABLE messages DROP COLUMN xml, DROP COLUMN resource_id');
    for (const [table, column] of [['streams', 'ispb'], ['messages', 'receiver_ispb'], ['clients', 'ispb']]) {
      await q(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_check`);
      await q(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${column}_check CHECK (${column} ~ '^[0-9]{8}$')`);
    }
    await q('ALTER TABLE streams DROP COLUMN face');
  },
};
