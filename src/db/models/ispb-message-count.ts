import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

/**
 * Per-ISPB counts kept by triggers and by ending streams, so the dashboard never
 * counts messages (see migrations/…-create-dashboard-counters.js for why and what each holds).
 */
export class IspbMessageCount extends Model<InferAttributes<IspbMessageCount>, InferCreationAttributes<IspbMessageCount>> {
  declare ispb: string;
  /** Rows of this ISPB in `messages`. */
  declare messages: CreationOptional<number>;
  /** Acknowledged by streams that have ended (open streams keep their own count). */
  declare acknowledged: CreationOptional<number>;
}

export function defineIspbMessageCount(sequelize: Sequelize) {
  return IspbMessageCount.init(
    {
      ispb: { type: DataTypes.CHAR(8), primaryKey: true },
      messages: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      acknowledged: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    },
    { sequelize, tableName: 'ispb_message_counts', modelName: 'IspbMessageCount' },
  );
}
