// `agora host --engine <url>`: the host agent in front of any OpenAI-compatible engine (llama.cpp server, vLLM,
// Ollama). It refuses every /v1 request without the market's forward secret and passes the market's requests
// through to the engine as they are, streaming the answer back byte for byte and signing a receipt for it.
import Fastify, { type FastifyInstance } from 'fastify';
import { pipeline, Readable, Transform } from 'node:stream';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { REQUEST_LIMITS } from '../../../contracts/openai/request-limits.ts';
import { installOpenAiErrorHandler } from '../openai/install-error-handler.ts';
import { installProtocolGuards, openAiServerOptions } from '../openai/protocol-errors.ts';
import { requireForwardSecret } from './forward-secret.ts';
import { signResponses } from './response-signing.ts';

export type EngineProxyOptions = {
  engineUrl: string;
  /** the engine's own API key, if it has one */
  engineKey?: string | undefined;
  forwardSecret: string;
  /** the host key that signs each answer's receipt */
  sign: (text: string) => string;
};

// The allowlist: what the market calls (the model list joins it when the market needs it); the engine's own port stays closed to the world only if it is bound to loopback (engine-exposure.ts warns otherwise).
const FORWARDED_PATHS = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'] as const;
const PASSED_HEADERS = ['content-type', 'retry-after'];

export function buildEngineProxy(options: EngineProxyOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: REQUEST_LIMITS.maxBodyBytes, ...openAiServerOptions });
  installOpenAiErrorHandler(app);
  installProtocolGuards(app);
  requireForwardSecret(app, options.forwardSecret);
  const signer = signResponses(app, options.sign);
  const engineUrl = options.engineUrl.replace(/\/+$/, '').replace(/\/v1$/, '');

  app.get('/health', async () => ({ ok: true }));
  for (const path of FORWARDED_PATHS) {
    app.post(path, async (request, reply) => {
      const abort = new AbortController();
      reply.raw.on('close', () => abort.abort());
      let upstream: Response;
      try {
        upstream = await fetch(`${engineUrl}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.engineKey ? { authorization: `Bearer ${options.engineKey}` } : {}),
          },
          body: JSON.stringify(request.body),
          signal: abort.signal,
        });
      } catch (error) {
        throw new ApiError(
          502,
          'server_error',
          `The engine behind this host cannot be reached: ${(error as Error).message}`,
          'engine_unreachable',
        );
      }
      reply.status(upstream.status);
      for (const name of PASSED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) reply.header(name, value);
      }
      const streamSigner =
        upstream.ok && upstream.headers.get('content-type')?.includes('text/event-stream')
          ? signer.stream(request)
          : undefined;
      if (!streamSigner || !upstream.body) return reply.send(Buffer.from(await upstream.arrayBuffer()));
      const signed = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          streamSigner.update(chunk);
          next(null, chunk);
        },
        flush(next) {
          next(null, streamSigner.trailer());
        },
      });
      // pipeline, not pipe: an engine failing mid-stream must break the answer, not leave it open without an end.
      pipeline(Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream), signed, () => undefined);
      return reply.send(signed);
    });
  }
  return app;
}

/** The model ids an OpenAI-compatible engine says it serves (GET /v1/models). */
export async function engineModelIds(engineUrl: string, engineKey?: string): Promise<string[]> {
  const base = engineUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const response = await fetch(`${base}/v1/models`, {
    headers: engineKey ? { authorization: `Bearer ${engineKey}` } : {},
  });
  if (!response.ok) throw new Error(`the engine at ${engineUrl} answered ${response.status} to GET /v1/models`);
  const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
  return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
