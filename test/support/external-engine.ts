// A real built-in engine served as a plain OpenAI-compatible engine (no forward secret: what `agora host --engine
// <url>` fronts), optionally behind a delay before each answer, to play a slow host.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildEngineServer } from '../../src/adapters/http/engine-host/build-engine-server.ts';
import { loadTinyEngine, tinyModelFiles } from './tiny-engine.ts';

export type ExternalEngine = { url: string; stop(): Promise<void> };

export async function startExternalEngine(delayMs: number): Promise<ExternalEngine> {
  const files = await tinyModelFiles();
  const engine = await loadTinyEngine('reference', { sequences: 4 });
  const app = buildEngineServer({ engine, modelId: 'agora-tiny', sha256: files.sha256, quantization: 'f32' });
  const engineUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      setTimeout(
        () => {
          void fetch(`${engineUrl}${req.url}`, {
            method: req.method,
            headers: { 'content-type': 'application/json' },
            body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
          })
            .then(async (answer) =>
              res
                .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
                .end(Buffer.from(await answer.arrayBuffer())),
            )
            .catch(() => res.destroy());
        },
        req.url === '/v1/models' ? 0 : delayMs,
      );
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    async stop() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await app.close();
      await engine.close();
    },
  };
}
