import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<number>;
  declare seq: CreationOptional<number>;
  declare endToEndId: string;
  declare valor: string;
  declare payerId: number;
  declare receiverId: number;
  declare receiverIspb: string;
  declare campoLivre: CreationOptional<string>;
  declare txId: string;
  declare paidAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare iterationId: CreationOptional<string | null>;
  declare deliveryCount: CreationOptional<number>;
}

export function defineMessage(sequelize: Sequelize) {
  return Message.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      seq: { type: DataTypes.BIGINT },
      endToEndId: { type: DataTypes.CHAR(32), allowNull: false, unique: true },
      valor: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
      payerId: { type: DataTypes.BIGINT, allowNull: false },
      receiverId: { type: DataTypes.BIGINT, allowNull: false },
      receiverIspb: { type: DataTypes.CHAR(8), allowNull: false },
      campoLivre: { type: DataTypes.STRING(200), defaultValue: '' },
      txId: { type: DataTypes.STRING(35), allowNull: false },
      paidAt: { type: DataTypes.DATE, allowNull: false },
      createdAt: { type: DataTypes.DATE, defaultValue: DataTypes.NOW },
      iterationId: { type: DataTypes.UUID, allowNull: true },
      deliveryCount: { type: DataTypes.INTEGER, defaultValue: 0 },
    },
    { sequelize, tableName: 'messages', modelName: 'Message' },
  );
}
