/**
 * The Sequelize models describe the schema the migrations made, exactly:
 * every column, no extra attribute, same type, same nullability. A migration
 * that changes a column without its model (or the reverse) fails here.
 */
import type { ModelStatic, Model } from 'sequelize';
import pino from 'pino';
import { Database } from '../../src/db/database';
import { defineModels } from '../../src/db/models';
import { createSequelize } from '../../src/db/sequelize';
import { randomIspb, seedMessages } from '../support/factories';

interface ColumnRow {
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
}

/** information_schema's description of a column, in Sequelize's spelling of types. */
function schemaType(column: ColumnRow): string {
  switch (column.data_type) {
    case 'character':
      return `CHAR(${column.character_maximum_length})`;
    case 'character varying':
      return `VARCHAR(${column.character_maximum_length})`;
    case 'numeric':
      return `DECIMAL(${column.numeric_precision},${column.numeric_scale})`;
    case 'ARRAY':
      return { _int8: 'BIGINT[]', _text: 'TEXT[]' }[column.udt_name] ?? `ARRAY ${column.udt_name}`;
    default:
      return column.data_type.toUpperCase();
  }
}

function modelType(type: unknown): string {
  return typeof type === 'string' ? type : (type as { toSql(): string }).toSql();
}

const sequelize = createSequelize(process.env.DATABASE_URL!);
const models = defineModels(sequelize);
afterAll(() => sequelize.close());

describe.each(Object.entries(models).map(([name, model]) => [name, model as ModelStatic<Model>]))('model %s', (_name, model) => {
  it('matches its table in information_schema, column for column', async () => {
    const [columns] = (await sequelize.query(
      `SELECT column_name, data_type, udt_name, is_nullable, character_maximum_length, numeric_precision, numeric_scale
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY column_name`,
      { bind: [model.getTableName()] },
    )) as [ColumnRow[], unknown];
    expect(columns.length).toBeGreaterThan(0);
    const fromSchema = Object.fromEntries(columns.map((column) => [column.column_name, { type: schemaType(column), nullable: column.is_nullable === 'YES' }]));
    const fromModel = Object.fromEntries(
      Object.values(model.getAttributes()).map((attribute) => [
        attribute.field!,
        { type: modelType(attribute.type), nullable: attribute.primaryKey ? false : attribute.allowNull !== false },
      ]),
    );
    expect(fromModel).toEqual(fromSchema);
  });
});

it('reads valor as a number, as the API sends it', async () => {
  const db = new Database(process.env.DATABASE_URL!, 1, pino({ level: 'silent' }));
  const ispb = randomIspb();
  await seedMessages(db, ispb, 3);
  await db.close();
  const rows = await models.Message.findAll({ where: { receiverIspb: ispb } });
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    expect(typeof row.valor).toBe('number');
    expect(Number.isInteger(Math.round(row.valor! * 100))).toBe(true);
  }
});
