// A request that reaches a server while it closes is refused with 503 in the envelope (Fastify alone writes its own
// body), and the connection is closed so the client retries elsewhere.
import Fastify from 'fastify';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { installOpenAiErrorHandler } from '../../src/adapters/http/openai/install-error-handler.ts';
import { installProtocolGuards, openAiServerOptions } from '../../src/adapters/http/openai/protocol-errors.ts';
import { parseRawResponse } from '../support/raw-http.ts';

const signal = (): { promise: Promise<void>; fire: () => void } => {
  let fire = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
};

describe('a server that is closing', () => {
  it('refuses a request arriving on a live connection with 503 shutting_down in the envelope and Connection: close', async () => {
    const app = Fastify({ ...openAiServerOptions });
    installOpenAiErrorHandler(app);
    const slowStarted = signal();
    const secondArrived = signal();
    const release = signal();
    app.addHook('onRequest', async (request) => {
      if (request.url === '/fast') secondArrived.fire();
    });
    installProtocolGuards(app);
    app.get('/slow', async () => {
      slowStarted.fire();
      await release.promise;
      return { ok: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });

    // The first request holds the connection busy, so closing the server keeps it open for the second.
    const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const socketClosed = new Promise((resolve) => socket.on('close', resolve));
    socket.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
    await slowStarted.promise;
    const closed = app.close();
    await vi.waitFor(() => expect(app.server.listening).toBe(false));
    socket.write('GET /fast HTTP/1.1\r\nHost: a\r\n\r\n');
    await secondArrived.promise;
    release.fire();
    await Promise.all([closed, socketClosed]);

    const text = Buffer.concat(chunks).toString('utf8');
    expect(parseRawResponse(text).status).toBe(200);
    const second = parseRawResponse(text.slice(text.indexOf('HTTP/1.1', 1)));
    expect(second.status).toBe(503);
    expect(second.headers.connection).toBe('close');
    expect(JSON.parse(second.body)).toEqual({
      error: {
        message: 'This server is shutting down; retry the request.',
        type: 'service_unavailable',
        param: null,
        code: 'shutting_down',
      },
    });
  });
});
