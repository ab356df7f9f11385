// Per-key rate limits on this gateway instance: requests per minute, and tokens per minute counted at admission
// as prompt tokens + the most the completion may produce, with the unused part given back when the request ends.
// A refusal is `rate_limit_exceeded` with the seconds after which to retry. Every answer to a key can report where
// its buckets stand (the x-ratelimit-* headers). Limits are per instance (see docs/decisions/003-rate-limits-per-instance.md).
import { marketError } from '../../contracts/errors/market-error.ts';
import { giveBack, isFull, standing, take, type Bucket } from '../../domain/limits/token-bucket.ts';
import type { ApiKeyRecord, Clock } from '../ports.ts';

export type RateLimitDefaults = { requestsPerMinute: number; tokensPerMinute: number };

/** What an admitted request took from its key's token budget; settle() returns what it did not use. */
export type RateTicket = { settle(tokensUsed: number): void };

/** One limit as this instance enforces it now: per minute, what is left, and ms until it is whole again. */
export type LimitStanding = { limit: number; remaining: number; resetMs: number };
export type RateStanding = { requests: LimitStanding; tokens: LimitStanding };

export type KeyRateLimiter = {
  admit(key: ApiKeyRecord, tokensEstimate: number): RateTicket;
  /** where the key's buckets stand now; reading them takes nothing */
  standing(key: ApiKeyRecord): RateStanding;
};

/** Idle keys whose buckets have refilled are forgotten once this many keys are tracked. */
const PRUNE_ABOVE = 10_000;

export function createKeyRateLimiter(clock: Clock, defaults: RateLimitDefaults): KeyRateLimiter {
  const buckets = new Map<string, { requests?: Bucket; tokens?: Bucket; rpm: number; tpm: number }>();

  const prune = (nowMs: number) => {
    for (const [keyId, state] of buckets) {
      if (
        (!state.requests || isFull(state.requests, state.rpm, nowMs)) &&
        (!state.tokens || isFull(state.tokens, state.tpm, nowMs))
      )
        buckets.delete(keyId);
    }
  };

  const refuse = (what: string, limit: number, retryAfterMs: number) => {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return marketError(
      'rate_limit_exceeded',
      `Rate limit reached for this key: ${limit} ${what} per minute. Retry after ${seconds} s.`,
      { retryAfterSeconds: seconds },
    );
  };

  const limitsOf = (key: ApiKeyRecord) => ({
    rpm: key.rateLimitRpm ?? defaults.requestsPerMinute,
    tpm: key.rateLimitTpm ?? defaults.tokensPerMinute,
  });
  const report = (bucket: Bucket | undefined, limit: number, nowMs: number): LimitStanding => {
    const { remaining, fullInMs } = standing(bucket, limit, nowMs);
    return { limit, remaining, resetMs: fullInMs };
  };

  return {
    admit(key, tokensEstimate) {
      const nowMs = clock.nowMs();
      if (buckets.size > PRUNE_ABOVE) prune(nowMs);
      const { rpm, tpm } = limitsOf(key);
      const state = buckets.get(key.id) ?? { rpm, tpm };
      state.rpm = rpm;
      state.tpm = tpm;
      const request = take(state.requests, rpm, 1, nowMs);
      if (!request.ok) throw refuse('requests', rpm, request.retryAfterMs);
      const tokens = take(state.tokens, tpm, tokensEstimate, nowMs);
      if (!tokens.ok) throw refuse('tokens', tpm, tokens.retryAfterMs);
      state.requests = request.bucket;
      state.tokens = tokens.bucket;
      buckets.set(key.id, state);
      return {
        settle(tokensUsed) {
          if (state.tokens)
            state.tokens = giveBack(state.tokens, state.tpm, Math.min(tokensEstimate, tpm) - tokensUsed, clock.nowMs());
        },
      };
    },
    standing(key) {
      const nowMs = clock.nowMs();
      const { rpm, tpm } = limitsOf(key);
      const state = buckets.get(key.id);
      return { requests: report(state?.requests, rpm, nowMs), tokens: report(state?.tokens, tpm, nowMs) };
    },
  };
}
