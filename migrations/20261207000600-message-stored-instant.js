'use strict';

/**
 * messages.created_at is the instant the row is written, not the start of the
 * transaction that writes it: clock_timestamp() instead of now(). A
 * settlement's transaction checks, opens accounts and books before it stores
 * its reports; under load that took 60-130 ms of a 2-core machine, which
 * now() counted as time the message spent waiting on its stream (the capacity
 * rehearsal's consumption, docs/rehearsal.md, and the dashboard's post →
 * delivery latency). The commit that follows the insert is still counted.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query('ALTER TABLE messages ALTER COLUMN created_at SET DEFAULT clock_timestamp()');
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('ALTER TABLE messages ALTER COLUMN created_at SET DEFAULT now()');
  },
};
