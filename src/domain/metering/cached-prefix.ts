// Which prompt tokens a host serves from its cache, as far as the market can tell by itself: the prefix a prompt
// shares, token for token, with the last prompt the host was sent under the same attribution (the caller keeps
// those, per host and key). An engine's own cached-token claim is never read: it cannot be checked and it lowers
// nobody's bill but the buyer's at the host's expense, or the reverse.

/**
 * The leading tokens `prompt` shares with `previous`, less one when the whole prompt matched: an engine always
 * computes the last prompt token itself, to start its answer from it.
 */
export function cachedPrefixTokens(previous: ArrayLike<number> | undefined, prompt: readonly number[]): number {
  if (previous === undefined) return 0;
  const bound = Math.min(previous.length, prompt.length);
  let shared = 0;
  while (shared < bound && previous[shared] === prompt[shared]) shared++;
  return Math.min(shared, Math.max(0, prompt.length - 1));
}
