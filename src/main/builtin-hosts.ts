// The demo's built-in hosts: `agora host --engine builtin` run inside the market's process, each with its own
// identity and data directory, joining through the same signed registration and probe as anyone's.
import { join } from 'node:path';
import type pino from 'pino';
import { startHostAgent, type RunningHostAgent } from './host-agent.ts';

/** The demo's hosts join like anyone else's: `agora host --engine builtin` in this process, one data directory each. */
export async function startBuiltinHosts(
  count: number,
  marketUrl: string,
  dataDir: string,
  modelCacheDir: string,
  logger: pino.Logger,
): Promise<RunningHostAgent[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      startHostAgent({
        marketUrl,
        engine: { kind: 'builtin' },
        maxConcurrency: 4,
        dataDir: join(dataDir, 'hosts', `host-${i + 1}`),
        modelCacheDir,
        listenHost: '127.0.0.1',
        port: 0,
        name: `built-in host ${i + 1}`,
        onEvent: (message) => logger.warn({ host: i + 1 }, message),
      }),
    ),
  );
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((h) => h.close()));
    throw failed.reason;
  }
  return running;
}
