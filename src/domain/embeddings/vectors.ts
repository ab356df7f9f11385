// Embedding vectors as the market handles them: scaled to unit length (what engines answer, llama.cpp server's
// default), shortened to the `dimensions` a buyer asks for (the first components, back to unit length, as OpenAI's
// text-embedding-3 models do), and compared by cosine distance (1 − cosine similarity: 0 for the same direction).

/** The vector scaled to unit length; a zero vector stays zero (it has no direction to keep). */
export function unitLength(vector: readonly number[]): number[] {
  const scaled = scaledToLargest(vector);
  if (scaled === undefined) return [...vector];
  const norm = Math.sqrt(scaled.reduce((sum, x) => sum + x * x, 0));
  return scaled.map((x) => x / norm);
}

/**
 * The vector divided by its largest absolute component (undefined for a zero vector): squares of tiny components
 * underflow to 0 and of huge ones overflow, so norms are taken of this, whose largest component is 1.
 */
function scaledToLargest(vector: readonly number[]): number[] | undefined {
  const largest = vector.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
  return largest === 0 ? undefined : vector.map((x) => x / largest);
}

/** The first `dimensions` components, scaled back to unit length. */
export function shorten(vector: readonly number[], dimensions: number): number[] {
  return unitLength(vector.slice(0, dimensions));
}

/**
 * 1 − cos(a, b), in [0, 2]. Vectors of different lengths, or with a zero vector, are as far apart as opposite ones:
 * an answer of the wrong shape is never "close".
 */
export function cosineDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return 2;
  const scaledA = scaledToLargest(a);
  const scaledB = scaledToLargest(b);
  if (scaledA === undefined || scaledB === undefined) return 2;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < scaledA.length; i++) {
    const x = scaledA[i] as number;
    const y = scaledB[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  // Rounding can push |cos| a hair past 1; the distance stays in its range.
  return Math.min(2, Math.max(0, 1 - dot / Math.sqrt(normA * normB)));
}
