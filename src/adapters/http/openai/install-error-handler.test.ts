import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { installOpenAiErrorHandler } from './install-error-handler.ts';

describe('OpenAI-wire error handler', () => {
  it('logs a failure as an error, but not an expected 503 refusal, and answers both in the envelope', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger: FastifyBaseLogger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) },
    );
    const app = Fastify({ loggerInstance: logger });
    installOpenAiErrorHandler(app);
    app.get('/busy', () => {
      throw new ApiError(503, 'service_unavailable', 'Every host is busy.', 'hosts_busy', null, { 'retry-after': '3' });
    });
    app.get('/broken', () => {
      throw new Error('a bug');
    });
    const busy = await app.inject({ method: 'GET', url: '/busy' });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('3');
    expect(busy.json()).toMatchObject({ error: { code: 'hosts_busy' } });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const broken = await app.inject({ method: 'GET', url: '/broken' });
    expect(broken.statusCode).toBe(500);
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['request failed']);
    await app.close();
  });

  it("answers a use case's coded refusal with the catalog's status and type, and Retry-After", async () => {
    const app = Fastify();
    installOpenAiErrorHandler(app);
    app.get('/poor', () => {
      throw marketError('insufficient_credits', 'Top up first.');
    });
    app.get('/limited', () => {
      throw marketError('rate_limit_exceeded', 'Slow down.', { retryAfterSeconds: 7 });
    });
    const poor = await app.inject({ method: 'GET', url: '/poor' });
    expect(poor.statusCode).toBe(402);
    expect(poor.json()).toEqual({
      error: { message: 'Top up first.', type: 'insufficient_quota', param: null, code: 'insufficient_credits' },
    });
    const limited = await app.inject({ method: 'GET', url: '/limited' });
    expect([limited.statusCode, limited.headers['retry-after']]).toEqual([429, '7']);
    await app.close();
  });
});
