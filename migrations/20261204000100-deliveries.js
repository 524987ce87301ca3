'use strict';

/**
 * A message's delivery state moves off `messages` into a narrow table of its
 * own, one row per message:
 *
 *   deliveries (message_id, receiver_ispb, seq, transfer, iteration_id, delivery_count)
 *     pending       iteration_id IS NULL
 *     in flight     iteration_id set, that iteration's acked_at NULL
 *     acknowledged  iteration_id set, that iteration's acked_at set
 *
 * Why: a claim rewrites every row it claims (a new tuple version, entered in
 * the table's indexes). On `messages` that row is the whole message (about
 * 250 bytes before its out-of-line XML) and two unique indexes; here it is
 * about 60 bytes and one primary key, and the table a claim walks stays small
 * enough to stay in memory beside gigabytes of XML. pgbench on 2 cores,
 * PostgreSQL 15, 450,000 pending rows of one ISPB, claim + mark + insert an
 * iteration per transaction, alternated: 10 rows a transaction on 6
 * connections 18,490 / 17,544 msg/s on messages against 21,355 / 21,271 here;
 * 60 rows on 2 connections 43,680 on messages against 41,220-66,180 here.
 * `messages` is now written once, when stored (and once more for a row
 * rendered to XML on its first ICOM delivery).
 *
 * `transfer` (kind = 'pacs.008'): the challenge face claims credit transfers
 * only, through deliveries_pending_transfers. `seq` is the message's, so a
 * released message is first in line again. No foreign key to messages: its
 * check would be one more lookup per stored message, and the rows come and go
 * with their message through the triggers below:
 *   messages_queued_insert  AFTER INSERT ON messages: a pending row per message
 *   messages_queued_delete  AFTER DELETE ON messages: their rows go too
 *   deliveries_counted_delete  AFTER DELETE ON deliveries: the dashboard's ledger
 *     (migrations/…-create-dashboard-counters.js) loses the messages, and the
 *     acknowledged ones among them; it replaces messages_counted_delete, which
 *     needed messages.iteration_id to tell the acknowledged ones
 * Statement triggers with transition tables: one INSERT or DELETE per
 * statement, however many rows.
 */
const QUEUE_TRIGGERS = `
  CREATE FUNCTION deliveries_queue() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO deliveries (message_id, receiver_ispb, seq, transfer)
    SELECT id, receiver_ispb, seq, kind = 'pacs.008' FROM inserted;
    RETURN NULL;
  END $$;

  CREATE FUNCTION deliveries_unqueue() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM deliveries d USING deleted o WHERE d.message_id = o.id;
    RETURN NULL;
  END $$;

  CREATE FUNCTION deliveries_uncount() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO ispb_message_counts (ispb, messages, acknowledged)
    SELECT o.receiver_ispb, -count(*), -count(*) FILTER (WHERE i.acked_at IS NOT NULL)
      FROM deleted o LEFT JOIN iterations i ON i.id = o.iteration_id
     GROUP BY o.receiver_ispb;
    RETURN NULL;
  END $$;

  CREATE FUNCTION deliveries_empty() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    TRUNCATE deliveries;
    RETURN NULL;
  END $$;

  CREATE TRIGGER messages_queued_insert AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION deliveries_queue();
  CREATE TRIGGER messages_queued_delete AFTER DELETE ON messages
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION deliveries_unqueue();
  CREATE TRIGGER messages_queued_truncate AFTER TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION deliveries_empty();
  CREATE TRIGGER deliveries_counted_delete AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION deliveries_uncount();`;

const VIEW = `
  CREATE VIEW message_delivery AS
  SELECT m.id, m.end_to_end_id, m.receiver_ispb, d.iteration_id, d.delivery_count, i.acked_at,
         CASE WHEN d.iteration_id IS NULL THEN 'pending'
              WHEN i.acked_at IS NULL THEN 'in_flight'
              ELSE 'acknowledged' END AS state
    FROM messages m JOIN deliveries d ON d.message_id = m.id
    LEFT JOIN iterations i ON i.id = d.iteration_id`;

module.exports = {
  async up(queryInterface) {
    const { sequelize } = queryInterface;
    await sequelize.transaction(async (transaction) => {
      const run = (sql) => sequelize.query(sql, { transaction });
      await run('LOCK TABLE messages IN SHARE MODE');
      await run(`
        CREATE TABLE deliveries (
          message_id     bigint  PRIMARY KEY,
          receiver_ispb  char(8) NOT NULL,
          seq            bigint  NOT NULL,
          transfer       boolean NOT NULL,
          iteration_id   uuid,
          delivery_count integer NOT NULL DEFAULT 0
        )`);
      await run(`
        INSERT INTO deliveries (message_id, receiver_ispb, seq, transfer, iteration_id, delivery_count)
        SELECT id, receiver_ispb, seq, kind = 'pacs.008', iteration_id, delivery_count FROM messages`);
      await run('CREATE INDEX deliveries_pending ON deliveries (receiver_ispb, seq) WHERE iteration_id IS NULL');
      await run('CREATE INDEX deliveries_pending_transfers ON deliveries (receiver_ispb, seq) WHERE iteration_id IS NULL AND transfer');
      await run('DROP VIEW message_delivery');
      await run(`
        DROP TRIGGER messages_counted_delete ON messages;
        DROP FUNCTION ispb_message_counts_remove()`);
      // Drops messages_pending and messages_pending_transfers with the column.
      await run('ALTER TABLE messages DROP COLUMN iteration_id, DROP COLUMN delivery_count');
      await run(QUEUE_TRIGGERS);
      await run(VIEW);
      await run('ANALYZE deliveries');
    });
  },

  async down(queryInterface) {
    const { sequelize } = queryInterface;
    await sequelize.transaction(async (transaction) => {
      const run = (sql) => sequelize.query(sql, { transaction });
      await run('LOCK TABLE messages IN SHARE MODE');
      await run('DROP VIEW message_delivery');
      await run(`
        DROP TRIGGER messages_queued_insert ON messages;
        DROP TRIGGER messages_queued_delete ON messages;
        DROP TRIGGER messages_queued_truncate ON messages;
        DROP TRIGGER deliveries_counted_delete ON deliveries;
        DROP FUNCTION deliveries_queue(), deliveries_unqueue(), deliveries_uncount(), deliveries_empty()`);
      await run('ALTER TABLE messages ADD COLUMN iteration_id uuid, ADD COLUMN delivery_count integer NOT NULL DEFAULT 0');
      await run('UPDATE messages m SET iteration_id = d.iteration_id, delivery_count = d.delivery_count FROM deliveries d WHERE d.message_id = m.id');
      await run('CREATE INDEX messages_pending ON messages (receiver_ispb, seq) WHERE iteration_id IS NULL');
      await run(`CREATE INDEX messages_pending_transfers ON messages (receiver_ispb, seq) WHERE iteration_id IS NULL AND kind = 'pacs.008'`);
      await run(`
        CREATE FUNCTION ispb_message_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO ispb_message_counts (ispb, messages, acknowledged)
          SELECT o.receiver_ispb, -count(*), -count(*) FILTER (WHERE i.acked_at IS NOT NULL)
            FROM deleted o LEFT JOIN iterations i ON i.id = o.iteration_id
           GROUP BY o.receiver_ispb;
          RETURN NULL;
        END $$;
        CREATE TRIGGER messages_counted_delete AFTER DELETE ON messages
          REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION ispb_message_counts_remove()`);
      await run('DROP TABLE deliveries');
      await run(`
        CREATE VIEW message_delivery AS
        SELECT m.id, m.end_to_end_id, m.receiver_ispb, m.iteration_id, m.delivery_count, i.acked_at,
               CASE WHEN m.iteration_id IS NULL THEN 'pending'
                    WHEN i.acked_at IS NULL THEN 'in_flight'
                    ELSE 'acknowledged' END AS state
          FROM messages m LEFT JOIN iterations i ON i.id = m.iteration_id`);
    });
  },
};
