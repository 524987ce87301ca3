'use strict';

/**
 * PIX messages and their delivery state:
 *   pending      iteration_id IS NULL
 *   in flight    iteration_id set, that iteration's acked_at NULL
 *   acknowledged iteration_id set, that iteration's acked_at set (the moment of acknowledgement)
 *
 * Acknowledgement is written once per batch, on the iteration, not once per
 * message: a claim is then the only hot-path write to a message row. Writing
 * acked_at on each message too doubled the row writes per pull and let two
 * collectors' claims deadlock, one following the update chain of a row the
 * other was acknowledging (measured with bench/, 6 collectors on one ISPB).
 * The view message_delivery reads the state per message.
 *
 * Claiming walks `messages_pending`, a partial index on (receiver_ispb, seq)
 * holding pending rows only, so it costs O(batch) however many delivered rows
 * pile up. `seq` exists apart from the primary key on purpose: if the claim
 * ordered by `id`, the planner could walk the primary key instead (it yields
 * the same order) and wade through every delivered row; no other index orders
 * `seq`. A released message keeps its `seq`, so it is first in line again.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query('CREATE SEQUENCE messages_seq AS bigint');
    await queryInterface.sequelize.query(`
      CREATE TABLE messages (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seq            bigint        NOT NULL DEFAULT nextval('messages_seq'),
        end_to_end_id  char(32)      NOT NULL UNIQUE,
        valor          numeric(12,2) NOT NULL CHECK (valor > 0),
        payer_id       bigint        NOT NULL REFERENCES clients (id),
        receiver_id    bigint        NOT NULL REFERENCES clients (id),
        receiver_ispb  char(8)       NOT NULL CHECK (receiver_ispb ~ '^[0-9]{8}$'),
        campo_livre    varchar(200)  NOT NULL DEFAULT '',
        tx_id          varchar(35)   NOT NULL,
        paid_at        timestamptz   NOT NULL,
        created_at     timestamptz   NOT NULL DEFAULT now(),
        iteration_id   uuid          REFERENCES iterations (id),
        delivery_count integer       NOT NULL DEFAULT 0
      )`);
    await queryInterface.sequelize.query('ALTER SEQUENCE messages_seq OWNED BY messages.seq');
    await queryInterface.sequelize.query(
      'CREATE INDEX messages_pending ON messages (receiver_ispb, seq) WHERE iteration_id IS NULL',
    );
    await queryInterface.sequelize.query(`
      CREATE VIEW message_delivery AS
      SELECT m.id, m.end_to_end_id, m.receiver_ispb, m.iteration_id, m.delivery_count, i.acked_at,
             CASE WHEN m.iteration_id IS NULL THEN 'pending'
                  WHEN i.acked_at IS NULL THEN 'in_flight'
                  ELSE 'acknowledged' END AS state
        FROM messages m LEFT JOIN iterations i ON i.id = m.iteration_id`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP VIEW message_delivery');
    await queryInterface.sequelize.query('DROP TABLE messages');
  },
};
