import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<number>;
  declare seq: CreationOptional<number>;
  declare endToEndId: string;
  /** numeric(12,2), read as a number (exact to the cent at this size), as the JSON face sends it. */
  declare valor: number;
  declare payerId: number;
  declare receiverId: number;
  declare receiverIspb: string;
  declare campoLivre: CreationOptional<string>;
  declare txId: string;
  declare paidAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare iterationId: CreationOptional<string | null>;
  declare deliveryCount: CreationOptional<number>;
  /** PI-ResourceId, made by the database when the row is stored. */
  declare resourceId: CreationOptional<string>;
  /** The pacs.008 in its envelope; null until rendered (see migrations/…-icom-face.js). */
  declare xml: CreationOptional<string | null>;
}

export function defineMessage(sequelize: Sequelize) {
  return Message.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      seq: { type: DataTypes.BIGINT, allowNull: false },
      endToEndId: { type: DataTypes.CHAR(32), allowNull: false, unique: true },
      valor: {
        type: DataTypes.DECIMAL(12, 2),
        allowNull: false,
        get(this: Message) {
          const raw = this.getDataValue('valor') as number | string | null;
          return raw === null ? raw : Number(raw);
        },
      },
      payerId: { type: DataTypes.BIGINT, allowNull: false },
      receiverId: { type: DataTypes.BIGINT, allowNull: false },
      receiverIspb: { type: DataTypes.CHAR(8), allowNull: false },
      campoLivre: { type: DataTypes.STRING(200), allowNull: false, defaultValue: '' },
      txId: { type: DataTypes.STRING(35), allowNull: false },
      paidAt: { type: DataTypes.DATE, allowNull: false },
      createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      iterationId: { type: DataTypes.UUID, allowNull: true },
      deliveryCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      resourceId: { type: DataTypes.CHAR(32), allowNull: false },
      xml: { type: DataTypes.TEXT, allowNull: true },
    },
    { sequelize, tableName: 'messages', modelName: 'Message' },
  );
}
