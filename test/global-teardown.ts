import { rmSync } from 'node:fs';
import type { EmbeddedPostgres } from '../dist/src/db/embedded-postgres';
import { testClusterDir } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { embeddedPostgres?: EmbeddedPostgres }).embeddedPostgres;
  if (!embedded) return;
  await embedded.stop();
  rmSync(testClusterDir(), { recursive: true, force: true });
}
