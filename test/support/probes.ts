import type { DatabaseProbes } from '../../src/lib/metrics';

/** Probes for a registry whose database gauges do not matter to the test: every count is 0. */
export const quietProbes: DatabaseProbes = {
  countOpenStreams: async () => 0,
  countPendingMessages: async () => 0,
  ping: async () => undefined,
  countPendingInstructions: async () => 0,
  sumReserveCents: async () => 0,
};

/** Probes of a database that does not answer: each one rejects as a refused connection does. */
export function downProbes(): DatabaseProbes {
  const down = () => Promise.reject(new Error('connect ECONNREFUSED'));
  return { countOpenStreams: down, countPendingMessages: down, ping: down, countPendingInstructions: down, sumReserveCents: down };
}
