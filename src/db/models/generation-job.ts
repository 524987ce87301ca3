import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export type GenerationState = 'queued' | 'running' | 'completed' | 'failed';

/** A large generator request and its progress (see generation/service.ts). */
export class GenerationJob extends Model<InferAttributes<GenerationJob>, InferCreationAttributes<GenerationJob>> {
  declare id: string;
  declare ispb: string;
  declare total: number;
  declare created: CreationOptional<number>;
  declare state: CreationOptional<GenerationState>;
  declare error: CreationOptional<string | null>;
  declare attempts: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function defineGenerationJob(sequelize: Sequelize) {
  return GenerationJob.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      ispb: { type: DataTypes.CHAR(8), allowNull: false },
      total: { type: DataTypes.INTEGER, allowNull: false },
      created: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      state: { type: DataTypes.STRING(9), allowNull: false, defaultValue: 'queued' },
      error: { type: DataTypes.TEXT, allowNull: true },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      updatedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { sequelize, tableName: 'generation_jobs', modelName: 'GenerationJob' },
  );
}
