import type { PreparedDatabase } from '../dist/testkit/database';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { preparedDatabase?: PreparedDatabase }).preparedDatabase?.release();
}
