import { describe, expect, it } from 'vitest';
import { MarketError } from '../../contracts/errors/market-error.ts';
import { unlimitedKey } from '../admin/account-admin.ts';
import type { ApiKeyRecord } from '../ports.ts';
import { createKeyRateLimiter } from './key-rate-limiter.ts';

const key = (id: string, own: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  ...unlimitedKey(id),
  id,
  accountId: 'acct',
  parentKeyId: null,
  prefix: id,
  role: 'buyer',
  revokedAtMs: null,
  updatedAtMs: 0,
  ...own,
});

const refusal = (run: () => unknown): MarketError => {
  try {
    run();
  } catch (error) {
    if (error instanceof MarketError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('per-key rate limits', () => {
  it("refuses the request over the key's per-minute count with rate_limit_exceeded and a retry time that then admits it", () => {
    const clock = { now: 0, nowMs: () => clock.now };
    const limiter = createKeyRateLimiter(clock, { requestsPerMinute: 2, tokensPerMinute: 1_000 });
    limiter.admit(key('a'), 10);
    limiter.admit(key('a'), 10);
    const refused = refusal(() => limiter.admit(key('a'), 10));
    expect(refused).toMatchObject({ code: 'rate_limit_exceeded', retryAfterSeconds: 30 });
    limiter.admit(key('b'), 10);
    clock.now = 30_000;
    expect(() => limiter.admit(key('a'), 10)).not.toThrow();
  });

  it("uses the key's own limits over the market's defaults", () => {
    const limiter = createKeyRateLimiter({ nowMs: () => 0 }, { requestsPerMinute: 1, tokensPerMinute: 1_000 });
    const generous = key('g', { rateLimitRpm: 3 });
    for (let i = 0; i < 3; i++) limiter.admit(generous, 1);
    expect(refusal(() => limiter.admit(generous, 1)).message).toContain('3 requests per minute');
  });

  it('counts tokens at admission as an estimate and gives back what the request did not use', () => {
    const limiter = createKeyRateLimiter({ nowMs: () => 0 }, { requestsPerMinute: 100, tokensPerMinute: 150 });
    const buyer = key('t');
    const first = limiter.admit(buyer, 100);
    expect(refusal(() => limiter.admit(buyer, 100)).message).toContain('150 tokens per minute');
    first.settle(20);
    limiter.admit(buyer, 100).settle(100);
    expect(refusal(() => limiter.admit(buyer, 100)).retryAfterSeconds).toBe(28);
  });

  it('reports where a key stands without taking anything: remaining falls with each request, reset is when it is whole', () => {
    const clock = { now: 0, nowMs: () => clock.now };
    const limiter = createKeyRateLimiter(clock, { requestsPerMinute: 60, tokensPerMinute: 600 });
    const buyer = key('s');
    const fresh = { limit: 60, remaining: 60, resetMs: 0 };
    expect(limiter.standing(buyer)).toEqual({ requests: fresh, tokens: { limit: 600, remaining: 600, resetMs: 0 } });
    expect(limiter.standing(buyer)).toEqual({ requests: fresh, tokens: { limit: 600, remaining: 600, resetMs: 0 } });
    limiter.admit(buyer, 100).settle(30);
    limiter.admit(buyer, 100);
    expect(limiter.standing(buyer)).toEqual({
      requests: { limit: 60, remaining: 58, resetMs: 2_000 },
      tokens: { limit: 600, remaining: 470, resetMs: 13_000 },
    });
    clock.now = 1_000;
    expect(limiter.standing(buyer).requests).toEqual({ limit: 60, remaining: 59, resetMs: 1_000 });
    expect(limiter.standing(key('other', { rateLimitRpm: 5 })).requests).toEqual({
      limit: 5,
      remaining: 5,
      resetMs: 0,
    });
  });
});
