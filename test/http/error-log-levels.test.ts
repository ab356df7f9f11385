// The error handler's log: an unexpected failure is one error line with its stack; a refusal by rule an info line
// with its code and no stack; a host's failure a warning.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/contracts/openai/error-envelope.ts';
import { installOpenAiErrorHandler } from '../../src/adapters/http/openai/install-error-handler.ts';

type LogLine = { level: number; msg: string; code?: string; err?: { stack?: string } };

describe('error handler log levels', () => {
  it('logs a 500 as an error with its stack, a 502 as a warning, and refusals at info without a stack', async () => {
    const lines: LogLine[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as LogLine);
        done();
      },
    });
    const logger: FastifyBaseLogger = pino({ level: 'info' }, stream);
    const app = Fastify({ loggerInstance: logger, disableRequestLogging: true });
    installOpenAiErrorHandler(app);
    app.get('/bug', async () => {
      throw new Error('a bug');
    });
    app.get('/broke', async () => {
      throw new ApiError(502, 'server_error', 'No host could serve the request.', 'host_failed');
    });
    app.get('/poor', async () => {
      throw new ApiError(402, 'insufficient_quota', 'Not enough credits.', 'insufficient_credits');
    });
    app.get('/busy', async () => {
      throw new ApiError(503, 'service_unavailable', 'No host.', 'no_host_available');
    });

    const bug = await app.inject({ url: '/bug' });
    expect(bug.statusCode).toBe(500);
    expect(bug.json()).toEqual({
      error: {
        message: 'The server failed to handle the request.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      },
    });
    for (const url of ['/broke', '/poor', '/busy', '/nowhere']) await app.inject({ url });
    await app.close();

    expect(lines.map((line) => [line.level, line.code])).toEqual([
      [50, 'internal_error'],
      [40, 'host_failed'],
      [30, 'insufficient_credits'],
      [30, 'no_host_available'],
      [30, 'unknown_route'],
    ]);
    expect(lines[0]?.err?.stack).toContain('a bug');
    expect(lines.slice(1).every((line) => line.err === undefined)).toBe(true);
  });
});
