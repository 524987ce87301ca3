import path from 'node:path';
import pg from 'pg';
import { Sequelize as SequelizeStatic, type Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { projectRoot } from '../lib/paths.js';
import type { Logger } from '../lib/logger.js';

// Any constant will do; it only has to be the same in every process.
const MIGRATION_LOCK_KEY = 7_260_001;

interface MigrationFile {
  up(queryInterface: unknown, sequelize: unknown): Promise<void>;
  down(queryInterface: unknown, sequelize: unknown): Promise<void>;
}

/** The same migrations/*.js files and SequelizeMeta table that `npx sequelize-cli db:migrate` uses. */
export function createMigrator(sequelize: Sequelize, logger?: Logger) {
  return new Umzug({
    migrations: {
      glob: ['migrations/*.js', { cwd: projectRoot }],
      resolve: ({ name, path: file, context }) => {
        const migration = require(path.resolve(file!)) as MigrationFile;
        return {
          name,
          up: () => migration.up(context, SequelizeStatic),
          down: () => migration.down(context, SequelizeStatic),
        };
      },
    },
    context: sequelize.getQueryInterface(),
    // Named explicitly: with `underscored` models the default would become sequelize_meta, not sequelize-cli's table.
    storage: new SequelizeStorage({ sequelize, tableName: 'SequelizeMeta' }),
    logger: logger ? { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m), debug: (m) => logger.debug(m) } : undefined,
  });
}

/**
 * Applies pending migrations. Several API processes may start at once; a
 * session advisory lock makes them take turns, and the later ones find nothing to do.
 */
export async function migrateToLatest(sequelize: Sequelize, databaseUrl: string, logger?: Logger): Promise<void> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await createMigrator(sequelize, logger).up();
  } finally {
    await lock.end();
  }
}
