// Runs once before all test files: generates the tiny models every engine test loads (so parallel files don't
// race to write them), makes the migrated databases new test markets start from (migrated-templates.ts) and, when
// the suite runs against PostgreSQL, starts the server for it.
import { ensureTinyModel } from '../../src/adapters/engines/builtin/model-cache.ts';
import { describeVariant, VARIANT_NAMES } from '../../src/domain/tiny-model/model-variant.ts';
import { createMigratedPostgresTemplate, useMigratedPGliteCluster } from './migrated-templates.ts';
import { TEST_MODEL_CACHE } from './model-cache-dir.ts';
import { startPostgresServer } from './postgres-server.ts';

export default async function setup(): Promise<() => void> {
  for (const name of VARIANT_NAMES) await ensureTinyModel(TEST_MODEL_CACHE, describeVariant(name));
  const removeCluster = await useMigratedPGliteCluster();
  if (process.env.AGORA_TEST_DATABASE !== 'postgres') return removeCluster;
  const server = await startPostgresServer();
  process.env.AGORA_TEST_POSTGRES_URL = server.url;
  await createMigratedPostgresTemplate(server.url);
  return () => {
    server.stop();
    removeCluster();
  };
}
