// Tokenizing a prompt again and again costs the paid path more than anything else it does in JavaScript, and most of
// a prompt repeats: the system prompt, earlier turns, the template's own markup. A tokenizer splits its input at
// special tokens before anything else and encodes each stretch between them on its own, so the ids of a stretch do not
// depend on its neighbours: they can be cached per stretch, and the cached encoder returns exactly the ids of the
// uncached one (a property test holds it to that on the real tokenizer).

/** A special token the tokenizer recognises anywhere; only plain ones (no stripping, no word boundaries) split. */
export type SpecialToken = { id: number; content: string };

export type SegmentCacheLimits = {
  /** stretches longer than this are encoded but not kept (one huge document would evict everything else) */
  maxSegmentChars: number;
  /** what all kept stretches add up to; the least recently used go first */
  maxTotalChars: number;
};

export const DEFAULT_SEGMENT_CACHE: SegmentCacheLimits = { maxSegmentChars: 16_384, maxTotalChars: 4_000_000 };

/** Wraps `encodePlain` (ids of text that holds no special token) into an encoder of any text, cached per stretch. */
export function segmentCachedEncoder(
  encodePlain: (text: string) => number[],
  specials: readonly SpecialToken[],
  limits: SegmentCacheLimits = DEFAULT_SEGMENT_CACHE,
): (text: string) => number[] {
  const idOf = new Map(specials.map((s) => [s.content, s.id]));
  // Longest first, so a special token that starts with another is matched whole (as the tokenizer matches them).
  const splitter =
    specials.length === 0
      ? undefined
      : new RegExp(
          `(${[...idOf.keys()]
            .sort((a, b) => b.length - a.length)
            .map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('|')})`,
        );
  const cache = new Map<string, readonly number[]>();
  let cachedChars = 0;

  const encodeStretch = (stretch: string): readonly number[] => {
    const hit = cache.get(stretch);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      cache.delete(stretch);
      cache.set(stretch, hit);
      return hit;
    }
    const ids = encodePlain(stretch);
    if (stretch.length > limits.maxSegmentChars) return ids;
    cache.set(stretch, ids);
    cachedChars += stretch.length;
    for (const [oldest] of cache) {
      if (cachedChars <= limits.maxTotalChars) break;
      cache.delete(oldest);
      cachedChars -= oldest.length;
    }
    return ids;
  };

  return (text) => {
    if (!splitter) return [...encodeStretch(text)];
    const ids: number[] = [];
    // With a capturing group, split returns stretches at even and special tokens at odd indexes.
    text.split(splitter).forEach((part, i) => {
      if (i % 2 === 1) ids.push(idOf.get(part)!);
      else if (part.length > 0) for (const id of encodeStretch(part)) ids.push(id);
    });
    return ids;
  };
}
