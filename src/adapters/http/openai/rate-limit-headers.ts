// OpenAI's rate-limit headers, from where the buyer's key stands on the limiter that enforces it (this gateway
// instance's buckets: with N instances each reports its own, docs/decisions/003-rate-limits-per-instance.md). The
// reset is how long until the bucket is whole again, written as OpenAI writes it: a Go duration ("1s", "6m0s", "120ms").
import type { RateStanding } from '../../../app/limits/key-rate-limiter.ts';

/** A whole number of milliseconds as Go's `time.Duration` prints it. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole === 0) return '0s';
  if (whole < 1_000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = ((whole % 60_000) / 1_000).toFixed(3).replace(/\.?0+$/, '');
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

export function rateLimitHeaders(standing: RateStanding): Record<string, string> {
  const { requests, tokens } = standing;
  return {
    'x-ratelimit-limit-requests': String(requests.limit),
    'x-ratelimit-limit-tokens': String(tokens.limit),
    'x-ratelimit-remaining-requests': String(requests.remaining),
    'x-ratelimit-remaining-tokens': String(tokens.remaining),
    'x-ratelimit-reset-requests': goDuration(requests.resetMs),
    'x-ratelimit-reset-tokens': goDuration(tokens.resetMs),
  };
}
