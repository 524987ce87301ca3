import type { Sequelize } from 'sequelize';
import { defineClient } from './client.js';
import { defineDelivery } from './delivery.js';
import { defineGenerationJob } from './generation-job.js';
import { defineIspbMessageCount } from './ispb-message-count.js';
import { defineIteration } from './iteration.js';
import { defineMessage } from './message.js';
import { defineParticipantBucket } from './participant-bucket.js';
import { defineStream } from './stream.js';

export function defineModels(sequelize: Sequelize) {
  const Client = defineClient(sequelize);
  const Stream = defineStream(sequelize);
  const Iteration = defineIteration(sequelize);
  const Message = defineMessage(sequelize);
  const Delivery = defineDelivery(sequelize);
  const GenerationJob = defineGenerationJob(sequelize);
  const IspbMessageCount = defineIspbMessageCount(sequelize);
  const ParticipantBucket = defineParticipantBucket(sequelize);
  Message.belongsTo(Client, { as: 'payer', foreignKey: 'payerId' });
  Message.belongsTo(Client, { as: 'receiver', foreignKey: 'receiverId' });
  Message.hasOne(Delivery, { foreignKey: 'messageId' });
  Delivery.belongsTo(Message, { foreignKey: 'messageId' });
  Delivery.belongsTo(Iteration, { foreignKey: 'iterationId' });
  Iteration.belongsTo(Stream, { foreignKey: 'streamId' });
  Stream.hasMany(Iteration, { foreignKey: 'streamId' });
  return { Client, Stream, Iteration, Message, Delivery, GenerationJob, IspbMessageCount, ParticipantBucket };
}

export type Models = ReturnType<typeof defineModels>;
