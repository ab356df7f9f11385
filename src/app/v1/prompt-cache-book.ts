// The prompts this gateway instance sent each host, remembered per attribution (the buyer's key and the request's
// affinity key) for a while, so that a later prompt to the same host under the same attribution is billed its shared
// prefix at the cache price. In memory and per instance, like prefix affinity: a request that lands on another
// gateway, or after the TTL, is billed in full — the market discounts only what it can attribute itself
// (docs/decisions/027-usage-classes.md).
import { cachedPrefixTokens } from '../../domain/metering/cached-prefix.ts';
import type { Clock } from '../ports.ts';

/** What a host's engine can be expected to keep of an idle conversation (OpenAI keeps a prefix 5 to 10 minutes). */
export const PROMPT_CACHE_TTL_MS = 5 * 60_000;
/** The most prompt tokens remembered in all (4 bytes each): the oldest attributions go first. */
const MAX_REMEMBERED_TOKENS = 4_000_000;

export type PromptCacheBook = {
  /**
   * The cached tokens of a prompt `hostId` served under `attribution`: its prefix shared with the last prompt sent to
   * that host under it within the TTL. Remembers this prompt as the attribution's last.
   */
  attribute(attribution: string, hostId: string, promptIds: readonly number[]): number;
};

type Remembered = { hostId: string; ids: Uint32Array; atMs: number };

export function createPromptCacheBook(clock: Clock, ttlMs = PROMPT_CACHE_TTL_MS): PromptCacheBook {
  // a Map iterates in insertion order, and every use re-inserts: the first entry is the least recently used
  const entries = new Map<string, Remembered>();
  let tokens = 0;
  const forget = (attribution: string, entry: Remembered) => {
    entries.delete(attribution);
    tokens -= entry.ids.length;
  };
  return {
    attribute(attribution, hostId, promptIds) {
      const nowMs = clock.nowMs();
      const last = entries.get(attribution);
      const fresh = last !== undefined && last.hostId === hostId && nowMs - last.atMs <= ttlMs;
      const cached = fresh ? cachedPrefixTokens(last.ids, promptIds) : 0;
      if (last) forget(attribution, last);
      const ids = Uint32Array.from(promptIds);
      entries.set(attribution, { hostId, ids, atMs: nowMs });
      tokens += ids.length;
      for (const [oldest, entry] of entries) {
        if (tokens <= MAX_REMEMBERED_TOKENS && nowMs - entry.atMs <= ttlMs) break;
        forget(oldest, entry);
      }
      return cached;
    },
  };
}
