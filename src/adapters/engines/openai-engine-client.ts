// One client for every OpenAI-wire engine (built-in host, llama.cpp server, vLLM, Ollama): undici keep-alive
// pools, JSON or SSE, and failures classified by phase so the router knows whether a retry is safe.
import { Agent, request, type Dispatcher } from 'undici';
import { UpstreamError, type EngineClient } from '../../app/ports.ts';

async function* readSseEvents(body: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary: number;
    while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const event = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      if (data === '[DONE]') return;
      // Attacker-controlled input (a host's stream): parsed, never trusted beyond the fields we read.
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        throw new UpstreamError('mid_stream', 'the engine sent an event that is not JSON');
      }
      if (parsed && typeof parsed === 'object' && 'error' in parsed) throw new UpstreamError('mid_stream', 'the engine reported an error mid-stream', undefined, parsed);
      yield parsed;
    }
  }
  throw new UpstreamError('mid_stream', 'the engine closed the stream before [DONE]');
}

export function createOpenAiEngineClient(options: { dispatcher?: Dispatcher; headersTimeoutMs?: number } = {}): EngineClient & { close(): Promise<void> } {
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
  return {
    async send(call) {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(`${call.baseUrl}${call.path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: call.stream ? 'text/event-stream' : 'application/json',
            ...(call.bearer ? { authorization: `Bearer ${call.bearer}` } : {}),
          },
          body: JSON.stringify(call.body),
          signal: call.signal,
          dispatcher,
          headersTimeout: options.headersTimeoutMs ?? 60_000,
          bodyTimeout: 120_000,
        });
      } catch (error) {
        if (call.signal.aborted) throw error;
        const timeout = (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT';
        throw new UpstreamError(timeout ? 'timeout' : 'connect', `the engine could not be reached: ${(error as Error).message}`);
      }
      if (response.statusCode >= 400) {
        const body = await response.body.json().catch(() => undefined);
        throw new UpstreamError('status', `the engine answered ${response.statusCode}`, response.statusCode, body);
      }
      if (!call.stream) return { kind: 'json', body: await response.body.json() };
      return { kind: 'stream', events: readSseEvents(response.body) };
    },
    close: () => dispatcher.close(),
  };
}
