'use strict';

/**
 * Large generator requests run as pg-boss jobs; this row is their progress.
 * Each chunk of messages and the `created` counter commit together, so a job
 * that dies mid-way resumes from `created` without duplicating or losing a chunk.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE generation_jobs (
        id         uuid        PRIMARY KEY,
        ispb       char(8)     NOT NULL CHECK (ispb ~ '^[0-9]{8}$'),
        total      integer     NOT NULL CHECK (total > 0),
        created    integer     NOT NULL DEFAULT 0 CHECK (created >= 0 AND created <= total),
        state      varchar(9)  NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'completed', 'failed')),
        error      text,
        attempts   integer     NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE generation_jobs');
  },
};
