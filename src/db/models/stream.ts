import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export type StreamStatus = 'open' | 'closed' | 'expired';
/** Which HTTP face reads the stream: its batches are in that face's format. */
export type StreamFace = 'challenge' | 'icom';

export class Stream extends Model<InferAttributes<Stream>, InferCreationAttributes<Stream>> {
  declare id: CreationOptional<number>;
  declare ispb: string;
  declare status: CreationOptional<StreamStatus>;
  declare face: CreationOptional<StreamFace>;
  declare openedAt: CreationOptional<Date>;
  declare lastSeenAt: CreationOptional<Date>;
  /** As PostgreSQL renders an interval (e.g. '00:01:00'); Sequelize has no interval type of its own. */
  declare idleTimeout: string;
  declare expiresAt: Date;
  declare closedAt: CreationOptional<Date | null>;
  /** Messages this stream acknowledged so far (the dashboard's count; see migrations/…-create-dashboard-counters.js). */
  declare ackedMessages: CreationOptional<number>;
}

export function defineStream(sequelize: Sequelize) {
  return Stream.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      ispb: { type: DataTypes.CHAR(8), allowNull: false },
      status: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'open' },
      face: { type: DataTypes.STRING(9), allowNull: false, defaultValue: 'challenge' },
      openedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      lastSeenAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      idleTimeout: { type: 'INTERVAL', allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      closedAt: { type: DataTypes.DATE, allowNull: true },
      ackedMessages: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    },
    { sequelize, tableName: 'streams', modelName: 'Stream' },
  );
}
