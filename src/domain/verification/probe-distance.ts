// How far a host's answer to a readiness probe is from the reference's: the token edit distance (Levenshtein over
// token ids of the model's own tokenizer) divided by the longer answer's length, so 0 is the same answer and 1 is
// nothing in common. Honest serving on other hardware may part from the reference at a near-tie and go on
// differently from there, so a probe passes within a distance, never only on an exact match.

/** Normalised token edit distance, 0–1 (0 when both answers are empty). */
export function probeDistance(expected: readonly number[], answered: readonly number[]): number {
  const longest = Math.max(expected.length, answered.length);
  if (longest === 0) return 0;
  // One row of the edit-distance table at a time: answers are at most a few hundred tokens.
  let previous = Array.from({ length: answered.length + 1 }, (_, j) => j);
  for (let i = 1; i <= expected.length; i++) {
    const row = [i];
    for (let j = 1; j <= answered.length; j++) {
      const substitution = (previous[j - 1] as number) + (expected[i - 1] === answered[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return (previous[answered.length] as number) / longest;
}

/** A host is ready for a model when every probe's answer is within the model's distance. */
export const probesPass = (distances: readonly number[], limit: number): boolean =>
  distances.length > 0 && distances.every((d) => d <= limit);
