import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from 'sequelize';

export class Client extends Model<InferAttributes<Client>, InferCreationAttributes<Client>> {
  declare id: CreationOptional<number>;
  declare nome: string;
  declare cpfCnpj: string;
  declare ispb: string;
  declare agencia: string;
  declare contaTransacional: string;
  declare tipoConta: 'CACC' | 'SVGS' | 'SLRY' | 'TRAN';
  declare createdAt: CreationOptional<Date>;
}

export function defineClient(sequelize: Sequelize) {
  return Client.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      nome: { type: DataTypes.STRING(140), allowNull: false },
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
