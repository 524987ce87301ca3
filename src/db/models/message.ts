import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<number>;
  declare seq: CreationOptional<number>;
  /** Kind of message: only a credit transfer (pacs.008) has the challenge's JSON form. */
  declare kind: CreationOptional<'pacs.008' | 'pacs.002' | 'pacs.004' | 'admi.002'>;
  declare senderIspb: CreationOptional<string | null>;
  declare bizMsgIdr: CreationOptional<string | null>;
  /** Of a credit transfer; of the transfer it refers to for a report or a return. */
  declare endToEndId: string | null;
  /** numeric(12,2), read as a number (exact to the cent at this size), as the JSON face sends it. */
  declare valor: number | null;
  declare payerId: number | null;
  declare receiverId: number | null;
  declare receiverIspb: string;
  declare campoLivre: CreationOptional<string>;
  declare txId: string | null;
  declare paidAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  /** PI-ResourceId, made by the database when the row is stored. */
  declare resourceId: CreationOptional<string>;
  /** The pacs.008 in its envelope; null until rendered (see migrations/…-icom-face.js). */
  declare xml: CreationOptional<string | null>;
  /** A credit transfer's challenge JSON, rendered when stored; null for other kinds and older rows (migrations/…-message-json.js). */
  declare json: CreationOptional<string | null>;
}

export function defineMessage(sequelize: Sequelize) {
  return Message.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      seq: { type: DataTypes.BIGINT, allowNull: false },
      kind: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'pacs.008' },
      senderIspb: { type: DataTypes.CHAR(8), allowNull: true },
      bizMsgIdr: { type: DataTypes.STRING(32), allowNull: true },
      endToEndId: { type: DataTypes.CHAR(32), allowNull: true },
      valor: {
        type: DataTypes.DECIMAL(12, 2),
        allowNull: true,
        get(this: Message) {
          const raw = this.getDataValue('valor') as number | string | null;
          return raw === null ? raw : Number(raw);
        },
      },
      payerId: { type: DataTypes.BIGINT, allowNull: true },
      receiverId: { type: DataTypes.BIGINT, allowNull: true },
      receiverIspb: { type: DataTypes.CHAR(8), allowNull: false },
      campoLivre: { type: DataTypes.STRING(200), allowNull: false, defaultValue: '' },
      txId: { type: DataTypes.STRING(35), allowNull: true },
      paidAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      resourceId: { type: DataTypes.CHAR(32), allowNull: false },
      xml: { type: DataTypes.TEXT, allowNull: true },
      json: { type: DataTypes.TEXT, allowNull: true },
    },
    { sequelize, tableName: 'messages', modelName: 'Message' },
  );
}
