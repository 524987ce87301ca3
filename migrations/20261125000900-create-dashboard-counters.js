'use strict';

/**
 * What GET /api/util/dashboard reads instead of counting messages.
 *
 * Counting was measured first, on 2,000,000 messages (700,000 pending, 1,300,000
 * acknowledged in 130,000 iterations; PostgreSQL 18, 2 cores): the pending count
 * per ISPB walked the messages_pending index in 350 ms after a VACUUM and took a
 * 1.2-1.5 s parallel seq scan before it (fresh rows are not all-visible, so the
 * planner gives up on the index). Once a second, that is most of a core taken
 * from the stream. So the counts are kept instead, none on a row the hot path
 * did not already write:
 *
 *   ispb_message_counts.messages      rows of the ISPB in `messages`: statement
 *                                     triggers below append one ledger row per
 *                                     inserted or deleted batch (a 5,000-row
 *                                     generator chunk, a posted request); summed
 *                                     per ISPB, and folded as the dashboard reads
 *   ispb_message_counts.acknowledged  acknowledged messages of ENDED streams (a
 *                                     stream's count is added when it ends), less
 *                                     acknowledged messages deleted
 *   streams.acked_messages            acknowledged by this stream so far: the pull
 *                                     statement already updates its stream row on
 *                                     every pull (an unindexed column, so still a
 *                                     HOT update, and no lock it did not hold)
 *
 * so acknowledged = counts.acknowledged + Σ open streams' acked_messages,
 * in flight = Σ open streams' unacknowledged batch, pending = messages − both.
 * A counter per ISPB written on every acknowledgement would have made the six
 * collectors of an ISPB queue on one row lock; a stream is only ever pulled by
 * one request at a time (its row is locked by the pull), so its counter is free.
 *
 * iterations_created_at: the delivery-rate and latency charts read the
 * iterations of the last seconds. Without it every read was a parallel seq scan
 * of all 130,000 iterations (210-290 ms); with it, 10 s of iterations (~1,500)
 * in 10 ms, latency lookups included (see src/inspection/sql/deliveries-per-bucket.ts).
 */
// Every trigger only appends a row: concurrent inserts (posted messages of one
// receiver arrive many at a time) never wait on one counter row. The dashboard
// folds the ledger into one row per ISPB as it reads (src/inspection/sql/ispb-counts.ts).
const COUNT_TRIGGERS = `
  CREATE FUNCTION ispb_message_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO ispb_message_counts (ispb, messages)
    SELECT receiver_ispb, count(*) FROM inserted GROUP BY receiver_ispb;
    RETURN NULL;
  END $$;

  CREATE FUNCTION ispb_message_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO ispb_message_counts (ispb, messages, acknowledged)
    SELECT o.receiver_ispb, -count(*), -count(*) FILTER (WHERE i.acked_at IS NOT NULL)
      FROM deleted o LEFT JOIN iterations i ON i.id = o.iteration_id
     GROUP BY o.receiver_ispb;
    RETURN NULL;
  END $$;

  CREATE FUNCTION ispb_message_counts_reset() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM ispb_message_counts;
    RETURN NULL;
  END $$;

  CREATE TRIGGER messages_counted_insert AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ispb_message_counts_add();
  CREATE TRIGGER messages_counted_delete AFTER DELETE ON messages
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION ispb_message_counts_remove();
  CREATE TRIGGER messages_counted_truncate AFTER TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION ispb_message_counts_reset();`;

module.exports = {
  async up(queryInterface) {
    const { sequelize } = queryInterface;
    await sequelize.transaction(async (transaction) => {
      const run = (sql) => sequelize.query(sql, { transaction });
      // Writers wait while the counts are taken, so none is missed or counted twice.
      await run('LOCK TABLE messages, iterations, streams IN SHARE MODE');
      await run('ALTER TABLE streams ADD COLUMN acked_messages bigint NOT NULL DEFAULT 0');
      await run(`
        CREATE TABLE ispb_message_counts (
          id           bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          ispb         char(8) NOT NULL CHECK (ispb ~ '^[0-9A-Z]{8}$'),
          messages     bigint  NOT NULL DEFAULT 0,
          acknowledged bigint  NOT NULL DEFAULT 0
        )`);
      // Everything acknowledged so far goes to the ISPB's row; open streams start from 0.
      await run(`
        INSERT INTO ispb_message_counts (ispb, messages, acknowledged)
        SELECT receiver_ispb, count(*), count(*) FILTER (WHERE state = 'acknowledged')
          FROM message_delivery GROUP BY receiver_ispb`);
      await run(COUNT_TRIGGERS);
      await run('CREATE INDEX iterations_created_at ON iterations (created_at)');
    });
  },

  async down(queryInterface) {
    const { sequelize } = queryInterface;
    await sequelize.query(`
      DROP INDEX iterations_created_at;
      DROP TRIGGER messages_counted_insert ON messages;
      DROP TRIGGER messages_counted_delete ON messages;
      DROP TRIGGER messages_counted_truncate ON messages;
      DROP FUNCTION ispb_message_counts_add(), ispb_message_counts_remove(), ispb_message_counts_reset();
      DROP TABLE ispb_message_counts;
      ALTER TABLE streams DROP COLUMN acked_messages`);
  },
};
