import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export class Client extends Model<InferAttributes<Client>, InferCreationAttributes<Client>> {
  declare id: CreationOptional<number>;
  /** Null for a creditor posted without a name (the SPI's pacs.008 has none). */
  declare nome: string | null;
  declare cpfCnpj: string;
  declare ispb: string;
  /** '' for an account without a branch. */
  declare agencia: string;
  declare contaTransacional: string;
  declare tipoConta: 'CACC' | 'OTHR' | 'SVGS' | 'SLRY' | 'TRAN';
  declare createdAt: CreationOptional<Date>;
}

export function defineClient(sequelize: Sequelize) {
  return Client.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      nome: { type: DataTypes.STRING(140), allowNull: true },
      cpfCnpj: { type: DataTypes.STRING(14), allowNull: false },
      ispb: { type: DataTypes.CHAR(8), allowNull: false },
      agencia: { type: DataTypes.STRING(4), allowNull: false },
      contaTransacional: { type: DataTypes.STRING(20), allowNull: false },
      tipoConta: { type: DataTypes.STRING(4), allowNull: false },
      createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { sequelize, tableName: 'clients', modelName: 'Client' },
  );
}
