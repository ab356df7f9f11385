// Every answer that asks the client to come back (503, 429) says when, whichever code it carries.
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, type ErrorCode } from '../../../contracts/errors/error-catalog.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { marketErrorAnswer } from './market-error-answer.ts';

const codes = Object.values(ERROR_CATALOG).flatMap((area) => Object.entries(area)) as Array<
  [ErrorCode, { status: number }]
>;

describe('a market error as an answer', () => {
  it('carries Retry-After on every 503 and 429 code, a second when the error gave no hint', () => {
    const retryable = codes.filter(([, entry]) => entry.status === 503 || entry.status === 429);
    expect(retryable.length).toBeGreaterThan(3);
    for (const [code] of retryable)
      expect(marketErrorAnswer(marketError(code, 'try later')).headers['retry-after']).toBe('1');
  });

  it('keeps the error’s own hint, and gives none to an answer retrying cannot fix', () => {
    expect(marketErrorAnswer(marketError('hosts_busy', 'busy', { retryAfterSeconds: 7 })).headers['retry-after']).toBe(
      '7',
    );
    expect(marketErrorAnswer(marketError('model_not_found', 'no such model')).headers['retry-after']).toBeUndefined();
  });
});
