// A rate limit as a token bucket: it holds at most one minute's allowance and refills continuously, so a key may
// burst up to its per-minute limit and then runs at the limit's pace. Pure: the caller passes the time.

export type Bucket = { level: number; atMs: number };
export type Taken = { ok: true; bucket: Bucket } | { ok: false; retryAfterMs: number };

const MINUTE_MS = 60_000;

function refilled(bucket: Bucket | undefined, perMinute: number, nowMs: number): Bucket {
  if (!bucket) return { level: perMinute, atMs: nowMs };
  const elapsed = Math.max(0, nowMs - bucket.atMs);
  return {
    level: Math.min(perMinute, bucket.level + (elapsed * perMinute) / MINUTE_MS),
    atMs: Math.max(nowMs, bucket.atMs),
  };
}

/**
 * Takes `amount` from the bucket, or says how long until it could. An amount above the whole allowance waits for
 * a full bucket and takes all of it, so a large request is slowed, never refused forever.
 */
export function take(bucket: Bucket | undefined, perMinute: number, amount: number, nowMs: number): Taken {
  const current = refilled(bucket, perMinute, nowMs);
  const needed = Math.min(amount, perMinute);
  if (current.level >= needed) return { ok: true, bucket: { level: current.level - needed, atMs: current.atMs } };
  return { ok: false, retryAfterMs: Math.ceil(((needed - current.level) * MINUTE_MS) / perMinute) };
}

/** Returns what a request took but did not use (its estimate was above what it really cost). */
export function giveBack(bucket: Bucket, perMinute: number, amount: number, nowMs: number): Bucket {
  const current = refilled(bucket, perMinute, nowMs);
  return { level: Math.min(perMinute, current.level + Math.max(0, amount)), atMs: current.atMs };
}

/**
 * Where a bucket stands now, as rate-limit headers report it: what is left (whole units) and how long until it is
 * full again (its "reset"; a bucket never touched is full now).
 */
export function standing(
  bucket: Bucket | undefined,
  perMinute: number,
  nowMs: number,
): { remaining: number; fullInMs: number } {
  const current = refilled(bucket, perMinute, nowMs);
  return {
    remaining: Math.floor(current.level),
    fullInMs: Math.ceil(((perMinute - current.level) * MINUTE_MS) / perMinute),
  };
}

/** A bucket that has refilled completely carries no information and can be forgotten. */
export const isFull = (bucket: Bucket, perMinute: number, nowMs: number): boolean =>
  refilled(bucket, perMinute, nowMs).level >= perMinute;
