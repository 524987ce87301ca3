/**
 * A read-only look at one participant's queue and streams, for people
 * rehearsing loads: plain reads, so they go through the Sequelize models.
 * Counts scan the ISPB's deliveries; this is an operator's question, not the
 * hot path.
 */
import { Op } from 'sequelize';
import { translatingErrors } from '../db/errors.js';
import type { Models } from '../db/models/index.js';

export interface OpenStreamView {
  id: number;
  openedAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface IspbSnapshot {
  ispb: string;
  pending: number;
  inFlight: number;
  acknowledged: number;
  openStreams: OpenStreamView[];
}

export async function inspectIspb({ Delivery, Iteration, Stream }: Models, ispb: string): Promise<IspbSnapshot> {
  const heldBy = (ackedAt: null | { [Op.ne]: null }) => ({
    where: { receiverIspb: ispb },
    include: [{ model: Iteration, required: true, attributes: [], where: { ackedAt } }],
  });
  const [pending, inFlight, acknowledged, streams] = await translatingErrors(() =>
    Promise.all([
      Delivery.count({ where: { receiverIspb: ispb, iterationId: null } }),
      Delivery.count(heldBy(null)),
      Delivery.count(heldBy({ [Op.ne]: null })),
      Stream.findAll({ where: { ispb, status: 'open' }, order: [['openedAt', 'ASC']] }),
    ]),
  );
  return {
    ispb,
    pending,
    inFlight,
    acknowledged,
    openStreams: streams.map((stream) => ({ id: stream.id, openedAt: stream.openedAt, lastSeenAt: stream.lastSeenAt, expiresAt: stream.expiresAt })),
  };
}
