// Server-sent events on a hijacked reply: each event is written as it is produced, never buffered.
import type { FastifyReply } from 'fastify';

export type SseStream = { send(data: unknown): void; done(): void; end(): void; readonly closed: boolean };

export function openSseStream(reply: FastifyReply, headers: Record<string, string> = {}): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  return {
    send: (data) => void raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`),
    done: () => void raw.write('data: [DONE]\n\n'),
    end: () => raw.end(),
    get closed() {
      return raw.destroyed || raw.writableEnded;
    },
  };
}
