// Server-sent events on a hijacked reply: each event is written as it is produced, never buffered. A host agent's
// stream also passes its bytes to a signer and ends with the signed receipt after `[DONE]`.
import type { FastifyReply } from 'fastify';

/** Sees every byte of a stream and gives the receipt that ends it. */
export type StreamSigner = { update(bytes: string | Buffer): void; trailer(): string };
/**
 * `send` with an `event` names the event (`event:` before its `data:`), as the Responses API's typed streams do;
 * `comment` writes a line clients skip (`: text`), for what only a reader who asked for it looks at.
 */
export type SseStream = {
  send(data: unknown, event?: string): void;
  comment(text: string): void;
  done(): void;
  end(): void;
  readonly closed: boolean;
};

export function openSseStream(
  reply: FastifyReply,
  headers: Record<string, string> = {},
  signer?: StreamSigner,
): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  const write = (text: string) => {
    signer?.update(text);
    raw.write(text);
  };
  return {
    send: (data, event) =>
      write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`),
    comment: (text) => write(`: ${text}\n\n`),
    done: () => {
      write('data: [DONE]\n\n');
      if (signer) raw.write(signer.trailer());
    },
    end: () => raw.end(),
    get closed() {
      return raw.destroyed || raw.writableEnded;
    },
  };
}
