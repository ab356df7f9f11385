// The check of a sampled embedding: the reference engine embeds the same input ids and the host's vector is compared
// by cosine distance. Pooled per host and SKU like completions (judgePool's rules, response-check.ts): a verdict once
// the pool holds enough vectors, failing when their mean distance is above the SKU's threshold (decision 023).
import { cosineDistance } from '../embeddings/vectors.ts';
import type { CheckVerdict } from './response-check.ts';

export type EmbeddingFindings = { vectors: number; distanceSum: number; maxDistance: number };

/** Vectors a verdict needs: one vector is one whole answer's worth of evidence, not one token's. */
export const MIN_CHECK_VECTORS = 4;
/**
 * Mean cosine distance above which a host's vectors are not the SKU's: honest runs measure 0 (bitwise the same),
 * F16 weights ~1e-7, Q8_0 ~1e-5 and heavier substitutes far above (the table in decision 023).
 */
export const HONEST_EMBEDDING_DISTANCE_THRESHOLD = 1e-6;

export function examineEmbedding(hostVector: readonly number[], referenceVector: readonly number[]): EmbeddingFindings {
  const distance = cosineDistance(hostVector, referenceVector);
  return { vectors: 1, distanceSum: distance, maxDistance: distance };
}

export const isEmbeddingFindings = (findings: object): findings is EmbeddingFindings => 'vectors' in findings;

/**
 * The verdict on a pool of one host's embeddings for one SKU, in the completion verdict's shape: `positions` counts
 * vectors and `meanTv`/`maxTv` hold cosine distances. Undefined while the pool has too few vectors.
 */
export function judgeEmbeddingPool(
  pool: readonly EmbeddingFindings[],
  threshold = HONEST_EMBEDDING_DISTANCE_THRESHOLD,
): CheckVerdict | undefined {
  const vectors = pool.reduce((n, f) => n + f.vectors, 0);
  if (vectors < MIN_CHECK_VECTORS) return undefined;
  const mean = pool.reduce((s, f) => s + f.distanceSum, 0) / vectors;
  const passed = mean <= threshold;
  return {
    passed,
    positions: vectors,
    meanTv: mean,
    maxTv: Math.max(0, ...pool.map((f) => f.maxDistance)),
    meanAbsLogprobDelta: 0,
    greedyMismatches: 0,
    implausibleStops: 0,
    reasons: passed
      ? []
      : [
          `mean cosine distance ${mean.toExponential(2)} of ${vectors} embeddings is above the SKU's threshold ${threshold.toExponential(2)}`,
        ],
  };
}
