import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

/**
 * A ledger of per-ISPB counts appended by triggers and by ending streams, so the
 * dashboard never counts messages (see migrations/…-create-dashboard-counters.js
 * for why and what each holds); an ISPB's count is the sum of its rows.
 */
export class IspbMessageCount extends Model<InferAttributes<IspbMessageCount>, InferCreationAttributes<IspbMessageCount>> {
  declare id: CreationOptional<number>;
  declare ispb: string;
  /** Rows of this ISPB in `messages`. */
  declare messages: CreationOptional<number>;
  /** Acknowledged by streams that have ended (open streams keep their own count). */
  declare acknowledged: CreationOptional<number>;
}

export function defineIspbMessageCount(sequelize: Sequelize) {
  return IspbMessageCount.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      ispb: { type: DataTypes.CHAR(8), allowNull: false },
      messages: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      acknowledged: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    },
    { sequelize, tableName: 'ispb_message_counts', modelName: 'IspbMessageCount' },
  );
}
