import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A participant's token bucket on the ICOM face (see migrations/…-create-participant-buckets.js); written only by limits/take-token.ts. */
export class ParticipantBucket extends Model<InferAttributes<ParticipantBucket>, InferCreationAttributes<ParticipantBucket>> {
  declare ispb: string;
  /** Tokens the bucket held at `countedAt`, after that request's token was taken. */
  declare tokens: number;
  declare countedAt: Date;
}

export function defineParticipantBucket(sequelize: Sequelize) {
  return ParticipantBucket.init(
    {
      ispb: { type: DataTypes.CHAR(8), primaryKey: true },
      tokens: { type: DataTypes.DOUBLE, allowNull: false },
      countedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'participant_buckets', modelName: 'ParticipantBucket' },
  );
}
