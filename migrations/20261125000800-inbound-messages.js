'use strict';

/**
 * Messages that participants post (ICOM inbound), beside generated ones:
 *
 * - kind: pacs.008 (credit transfer), pacs.002 (status report), pacs.004
 *   (return), admi.002 (a rejection the SPI sends back). Only a pacs.008 has a
 *   JSON form: the challenge face claims credit transfers only, through
 *   messages_pending_transfers, a partial index of its own, so however many
 *   status reports wait in a queue its claim still reads 10 index entries.
 *   (On insert a credit transfer enters both pending indexes; a claim, which
 *   sets iteration_id, enters neither.)
 * - sender_ispb: who posted it (null for generated ones), where a status
 *   report or return on it is routed.
 * - biz_msg_idr: the posted AppHdr/BizMsgIdr, unique: a sender's retry of the
 *   same message is answered with the same PI-ResourceId and stores nothing.
 *   Partial (NOT NULL) so generated rows add no index entry, at insert or claim.
 * - end_to_end_id is unique among credit transfers only: a report or a return
 *   carries the EndToEndId of the transfer it is about.
 * - The challenge's columns are required of credit transfers only.
 */
module.exports = {
  async up(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`ALTER TABLE messages ADD COLUMN kind varchar(8) NOT NULL DEFAULT 'pacs.008'
               CHECK (kind IN ('pacs.008', 'pacs.002', 'pacs.004', 'admi.002'))`);
    await q(`ALTER TABLE messages ADD COLUMN sender_ispb char(8) CHECK (sender_ispb ~ '^[0-9A-Z]{8}$')`);
    await q('ALTER TABLE messages ADD COLUMN biz_msg_idr varchar(32)');
    await q('CREATE UNIQUE INDEX messages_biz_msg_idr ON messages (biz_msg_idr) WHERE biz_msg_idr IS NOT NULL');
    await q('ALTER TABLE messages DROP CONSTRAINT messages_end_to_end_id_key');
    await q(`CREATE UNIQUE INDEX messages_end_to_end_id ON messages (end_to_end_id) WHERE kind = 'pacs.008'`);
    await q(`ALTER TABLE messages
               ALTER COLUMN end_to_end_id DROP NOT NULL, ALTER COLUMN valor DROP NOT NULL,
               ALTER COLUMN payer_id DROP NOT NULL, ALTER COLUMN receiver_id DROP NOT NULL,
               ALTER COLUMN tx_id DROP NOT NULL, ALTER COLUMN paid_at DROP NOT NULL`);
    await q(`ALTER TABLE messages ADD CONSTRAINT messages_transfer_complete CHECK (kind <> 'pacs.008' OR (
               end_to_end_id IS NOT NULL AND valor IS NOT NULL AND payer_id IS NOT NULL AND receiver_id IS NOT NULL
               AND tx_id IS NOT NULL AND paid_at IS NOT NULL))`);
    await q(`ALTER TABLE messages ADD CONSTRAINT messages_others_have_xml CHECK (kind = 'pacs.008' OR xml IS NOT NULL)`);
    await q(`CREATE INDEX messages_pending_transfers ON messages (receiver_ispb, seq) WHERE iteration_id IS NULL AND kind = 'pacs.008'`);
  },

  async down(queryInterface) {
    const q = (sql) => queryInterface.sequelize.query(sql);
    await q(`DELETE FROM messages WHERE kind <> 'pacs.008'`);
    await q('DROP INDEX messages_pending_transfers');
    await q('ALTER TABLE messages DROP CONSTRAINT messages_others_have_xml, DROP CONSTRAINT messages_transfer_complete');
    await q(`ALTER TABLE messages
               ALTER COLUMN end_to_end_id SET NOT NULL, ALTER COLUMN valor SET NOT NULL,
               ALTER COLUMN payer_id SET NOT NULL, ALTER COLUMN receiver_id SET NOT NULL,
               ALTER COLUMN tx_id SET NOT NULL, ALTER COLUMN paid_at SET NOT NULL`);
    await q('DROP INDEX messages_end_to_end_id');
    await q('ALTER TABLE messages ADD CONSTRAINT messages_end_to_end_id_key UNIQUE (end_to_end_id)');
    await q('DROP INDEX messages_biz_msg_idr');
    await q('ALTER TABLE messages DROP COLUMN biz_msg_idr, DROP COLUMN sender_ispb, DROP COLUMN kind');
  },
};
