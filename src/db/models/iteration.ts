import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export class Iteration extends Model<InferAttributes<Iteration>, InferCreationAttributes<Iteration>> {
  declare id: string;
  declare streamId: number;
  declare messageIds: CreationOptional<number[]>;
  declare ackedAt: CreationOptional<Date | null>;
  declare nextId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
}

export function defineIteration(sequelize: Sequelize) {
  return Iteration.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      streamId: { type: DataTypes.BIGINT, allowNull: false },
      messageIds: { type: DataTypes.ARRAY(DataTypes.BIGINT), allowNull: false, defaultValue: [] },
      ackedAt: { type: DataTypes.DATE, allowNull: true },
      nextId: { type: DataTypes.UUID, allowNull: true },
      createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { sequelize, tableName: 'iterations', modelName: 'Iteration' },
  );
}
