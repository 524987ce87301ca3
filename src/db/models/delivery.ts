import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

/**
 * A message's place in delivery (migrations/…-deliveries.js): pending while
 * iterationId is null, else held by that iteration. Rows are made and removed
 * by triggers on messages; only the claim and the release change them.
 */
export class Delivery extends Model<InferAttributes<Delivery>, InferCreationAttributes<Delivery>> {
  declare messageId: number;
  declare receiverIspb: string;
  declare seq: number;
  /** A credit transfer (pacs.008): the only kind the challenge face delivers. */
  declare transfer: boolean;
  declare iterationId: CreationOptional<string | null>;
  declare deliveryCount: CreationOptional<number>;
}

export function defineDelivery(sequelize: Sequelize) {
  return Delivery.init(
    {
      messageId: { type: DataTypes.BIGINT, primaryKey: true },
      receiverIspb: { type: DataTypes.CHAR(8), allowNull: false },
      seq: { type: DataTypes.BIGINT, allowNull: false },
      transfer: { type: DataTypes.BOOLEAN, allowNull: false },
      iterationId: { type: DataTypes.UUID, allowNull: true },
      deliveryCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { sequelize, tableName: 'deliveries', modelName: 'Delivery' },
  );
}
