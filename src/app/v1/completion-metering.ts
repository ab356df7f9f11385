// Completion tokens as the market counts them. A host's own token ids are billed when every one is in the model's
// vocabulary and together they decode to exactly the text it sent (sampling can produce sequences the tokenizer
// would never produce from that text, so the text is never re-encoded to second-guess valid ids). Otherwise the
// market tokenizes the text itself and bills the smaller of that and the host's count. A host whose usage claim is
// not the count of its own ids has lied about usage: a strike, with nothing to round. An engine that ends inside a
// character holds its last bytes back (they would show as U+FFFD), so ids that decode to the text plus one U+FFFD
// are exact too: billing them cannot inflate anything, the host could as well have sent the U+FFFD.
import type { Tokenizer } from '../ports.ts';

export type CompletionCount = {
  tokens: number;
  /** host_ids: the host's ids were exact; retokenized: the market counted the text (no ids, or ids that do not match it) */
  source: 'host_ids' | 'retokenized';
  /** the host claimed another count than its own ids */
  usageClaimMismatch: { claimed: number; ids: number } | undefined;
};

export function meterCompletion(
  tokenizer: Tokenizer,
  text: string,
  hostIds: readonly number[] | undefined,
  claimed: number | undefined,
): CompletionCount {
  const usageClaimMismatch =
    hostIds !== undefined && claimed !== undefined && claimed !== hostIds.length
      ? { claimed, ids: hostIds.length }
      : undefined;
  const decoded = hostIds === undefined ? undefined : tokenizer.decode(hostIds);
  if (hostIds !== undefined && (decoded === text || decoded === `${text}\uFFFD`))
    return { tokens: hostIds.length, source: 'host_ids', usageClaimMismatch };
  const hostCount = hostIds?.length ?? claimed ?? Infinity;
  return { tokens: Math.min(hostCount, tokenizer.encode(text).length), source: 'retokenized', usageClaimMismatch };
}
