/**
 * Runs `work` again when PostgreSQL chose it as a deadlock victim (40P01):
 * the victim's transaction was rolled back whole, so a second run starts from
 * a clean state. Only for work that is one transaction and safe to repeat.
 */
const DEADLOCK_ATTEMPTS = 3;

export async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= DEADLOCK_ATTEMPTS) throw err;
    }
  }
}
