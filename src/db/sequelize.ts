import { Sequelize } from 'sequelize';

/** Sequelize serves models, migrations and plain CRUD; the stream's hot path uses raw `pg` (db/database.ts). */
export function createSequelize(databaseUrl: string): Sequelize {
  return new Sequelize(databaseUrl, {
    dialect: 'postgres',
    logging: false,
    pool: { max: 3, min: 0, acquire: 5000, idle: 10_000 },
    define: { underscored: true, timestamps: false },
  });
}
