// Completion tokens as the market counts them. A host's own token ids are billed when every one is in the model's
// vocabulary and together they decode to exactly the text it sent (sampling can produce sequences the tokenizer
// would never produce from that text, so the text is never re-encoded to second-guess valid ids). Otherwise — no ids,
// or ids that are not the text's (none at all for text an engine sent without logprobs) — the market tokenizes the
// text itself and bills the smaller of that and the host's usage claim, when it made one. With n choices each is
// metered so, and the host's one usage claim covers them all. A host whose usage claim is not the count of its own ids has
// lied about usage: a strike, with nothing to round. An engine that ends inside a
// character holds its last bytes back (they would show as U+FFFD), so ids that decode to the text plus one U+FFFD
// are exact too: billing them cannot inflate anything, the host could as well have sent the U+FFFD.
import type { Tokenizer } from '../ports.ts';

/** One choice as the host sent it: its text, and its token ids where its engine reports them. */
export type ChoiceText = { text: string; hostIds: readonly number[] | undefined };

export type ChoiceCount = {
  tokens: number;
  /** host_ids: the host's ids were exact; retokenized: the market counted the text (no ids, or ids that do not match it) */
  source: 'host_ids' | 'retokenized';
};

export type MeteredCompletion = {
  /** each choice's count, in the order given */
  choices: ChoiceCount[];
  /** the host claimed another count than its own ids (over all choices) */
  usageClaimMismatch: { claimed: number; ids: number } | undefined;
};

export function meterCompletion(
  tokenizer: Tokenizer,
  choices: readonly ChoiceText[],
  claimed: number | undefined,
): MeteredCompletion {
  const idsCount = choices.reduce((sum, c) => sum + (c.hostIds?.length ?? 0), 0);
  const usageClaimMismatch =
    claimed !== undefined && claimed !== idsCount && choices.every((c) => c.hostIds !== undefined)
      ? { claimed, ids: idsCount }
      : undefined;
  const exact = choices.map(({ text, hostIds }) => {
    const decoded = hostIds === undefined ? undefined : tokenizer.decode(hostIds);
    return decoded !== undefined && (decoded === text || decoded === `${text}\uFFFD`);
  });
  // The host's claim, less its exact ids, bounds what the market counts of the rest.
  const exactCount = choices.reduce((sum, c, i) => sum + (exact[i] ? (c.hostIds?.length ?? 0) : 0), 0);
  let unclaimed = claimed === undefined ? Infinity : Math.max(0, claimed - exactCount);
  const counted = choices.map(({ text, hostIds }, i): ChoiceCount => {
    if (exact[i]) return { tokens: hostIds?.length ?? 0, source: 'host_ids' };
    const tokens = Math.min(unclaimed, tokenizer.encode(text).length);
    unclaimed -= tokens;
    return { tokens, source: 'retokenized' };
  });
  return { choices: counted, usageClaimMismatch };
}
