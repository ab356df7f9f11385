import { describe, expect, it } from 'vitest';
import { goDuration, rateLimitHeaders } from './rate-limit-headers.ts';

describe('rate-limit headers', () => {
  it('writes the reset as OpenAI does, a Go duration', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(0.2)).toBe('1ms');
    expect(goDuration(120)).toBe('120ms');
    expect(goDuration(1_000)).toBe('1s');
    expect(goDuration(8_640)).toBe('8.64s');
    expect(goDuration(60_000)).toBe('1m0s');
    expect(goDuration(360_000)).toBe('6m0s');
    expect(goDuration(61_500)).toBe('1m1.5s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
    expect(goDuration(3_723_004)).toBe('1h2m3.004s');
  });

  it('names each figure of both limits', () => {
    expect(
      rateLimitHeaders({
        requests: { limit: 60, remaining: 58, resetMs: 2_000 },
        tokens: { limit: 150_000, remaining: 149_000, resetMs: 400 },
      }),
    ).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-limit-tokens': '150000',
      'x-ratelimit-remaining-requests': '58',
      'x-ratelimit-remaining-tokens': '149000',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-reset-tokens': '400ms',
    });
  });
});
