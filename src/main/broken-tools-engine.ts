// The sandbox's broken engine (`agora sandbox-engine`): the real built-in engine serving the built-in model over the
// OpenAI wire, behind a front that breaks a set share of its tool calls the way a faulty tool parser or chat
// template does (tool-call-breakage.ts). Everything else passes through byte for byte, so the market's admission
// probe and metering see an honest engine: only the format of its tool calls is wrong. It is what `agora host
// --engine <url>` fronts in `agora sandbox --scenario format-failures`; it is never part of a market.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildEngineServer } from '../adapters/http/engine-host/build-engine-server.ts';
import { BUILTIN_MODEL_ID, BUILTIN_QUANTIZATION, builtinModelFiles, loadBuiltinEngine } from './builtin-model.ts';
import { breakToolCalls, planBreakage, type Breakage } from './tool-call-breakage.ts';

export type BrokenEngineOptions = {
  modelCacheDir: string;
  /** the share (0–1) of answers with tool calls that are broken */
  brokenShare: number;
  host: string;
  port: number;
};

export type BrokenEngine = { url: string; close(): Promise<void> };

export async function startBrokenToolsEngine(options: BrokenEngineOptions): Promise<BrokenEngine> {
  const files = await builtinModelFiles(options.modelCacheDir);
  const engine = await loadBuiltinEngine(files);
  const inner = buildEngineServer({
    engine,
    modelId: BUILTIN_MODEL_ID,
    sha256: files.sha256,
    quantization: BUILTIN_QUANTIZATION,
  });
  const innerUrl = await inner.listen({ port: 0, host: '127.0.0.1' });
  let toolAnswers = 0;
  const front = createServer((req, res) => {
    void readBody(req)
      .then(async (body) => {
        const parsed = req.method === 'POST' ? (JSON.parse(body.toString('utf8') || '{}') as { tools?: unknown }) : {};
        const breakage = Array.isArray(parsed.tools) ? planBreakage(toolAnswers++, options.brokenShare) : undefined;
        const upstream = await fetch(`${innerUrl}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers: { 'content-type': 'application/json' },
          body: req.method === 'POST' ? body : undefined,
        });
        await relay(upstream, res, breakage);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
      });
  });
  await new Promise<void>((resolve) => front.listen(options.port, options.host, resolve));
  return {
    url: `http://${options.host}:${(front.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await inner.close();
      await engine.close();
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The engine's answer to the client: a JSON body rewritten whole, a stream rewritten event by event. */
async function relay(upstream: Response, res: ServerResponse, breakage: Breakage | undefined): Promise<void> {
  const type = upstream.headers.get('content-type') ?? 'application/json';
  if (!breakage || !upstream.ok) {
    res.writeHead(upstream.status, { 'content-type': type }).end(Buffer.from(await upstream.arrayBuffer()));
    return;
  }
  const started = new Set<string>();
  if (!type.startsWith('text/event-stream')) {
    const answer = (await upstream.json()) as unknown;
    breakToolCalls(answer, breakage, started);
    res.writeHead(upstream.status, { 'content-type': type }).end(JSON.stringify(answer));
    return;
  }
  res.writeHead(upstream.status, { 'content-type': type, 'cache-control': 'no-cache' });
  const decoder = new TextDecoder();
  let pending = '';
  const rewrite = (event: string) =>
    event
      .split('\n')
      .map((line) => {
        if (!line.startsWith('data: ') || line === 'data: [DONE]') return line;
        const chunk = JSON.parse(line.slice('data: '.length)) as unknown;
        breakToolCalls(chunk, breakage, started);
        return `data: ${JSON.stringify(chunk)}`;
      })
      .join('\n');
  for await (const bytes of upstream.body ?? []) {
    pending += decoder.decode(bytes, { stream: true });
    const events = pending.split('\n\n');
    pending = events.pop() ?? '';
    for (const event of events) res.write(`${rewrite(event)}\n\n`);
  }
  res.end(pending === '' ? undefined : rewrite(pending));
}
