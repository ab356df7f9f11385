// A test double of an OpenAI-compatible engine for gateway tests only: it answers with a fixed status and body, or
// streams a chunk of text at an interval, and records what it was sent and how many chunks it sent before the market
// hung up.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `body`: JSON, or raw text (to answer with something that is not JSON); `headers` are sent besides content-type. A
 * script is read at each request, so a test may change it (a host that speeds up) between requests.
 */
export type Script =
  | { status: number; body: object | string; delayMs?: number; headers?: Record<string, string> }
  | { stream: { chunks: number; text: string; intervalMs: number; breakAfter?: number } };

export type ScriptedUpstream = {
  url: string;
  requests: number;
  /** JSON answers the market hung up on before they were written (a hedge's loser) */
  abandoned: number;
  /** per streamed response: chunks written, and whether the market closed the connection before the end */
  streams: Array<{ sent: number; closedEarly: boolean }>;
  /** the most requests it had open at once */
  maxInFlight: number;
  /** every request as the engine received it */
  received: Array<{ headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }>;
  stop(): Promise<void>;
};

export async function startScriptedUpstream(script: Script): Promise<ScriptedUpstream> {
  const state = {
    requests: 0,
    abandoned: 0,
    inFlight: 0,
    maxInFlight: 0,
    streams: [] as ScriptedUpstream['streams'],
    received: [] as ScriptedUpstream['received'],
  };
  const server: Server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      state.requests++;
      state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
      // Over when the host hands over its last byte (or the market hung up), whichever comes first: counted when
      // the answer is written, not on 'finish', which a busy event loop may run after the market has read the
      // answer and sent this host its next request.
      let open = true;
      const over = () => void (open && ((open = false), state.inFlight--));
      res.on('close', over);
      state.received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(body).toString() || '{}') as Record<string, unknown>,
      });
      if ('status' in script) {
        const timer = setTimeout(() => {
          over();
          res
            .writeHead(script.status, { 'content-type': 'application/json', ...script.headers })
            .end(typeof script.body === 'string' ? script.body : JSON.stringify(script.body));
        }, script.delayMs ?? 0);
        res.on('close', () => {
          if (res.headersSent) return;
          clearTimeout(timer);
          state.abandoned++;
        });
        return;
      }
      const record = { sent: 0, closedEarly: false };
      state.streams.push(record);
      res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
      const timer = setInterval(() => {
        if (record.sent === script.stream.breakAfter) {
          clearInterval(timer);
          res.socket?.destroy();
          return;
        }
        if (record.sent === script.stream.chunks) {
          clearInterval(timer);
          over();
          res.end('data: [DONE]\n\n');
          return;
        }
        record.sent++;
        const chunk = {
          id: 'x',
          object: 'chat.completion.chunk',
          created: 0,
          model: 'scripted',
          choices: [{ index: 0, delta: { content: script.stream.text }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }, script.stream.intervalMs);
      res.on('close', () => {
        if (record.sent < script.stream.chunks) record.closedEarly = true;
        clearInterval(timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    get abandoned() {
      return state.abandoned;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    streams: state.streams,
    received: state.received,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
