// Chooses the next token from the engine's raw distribution: greedy at temperature 0, otherwise temperature /
// top-p sampling driven by a uniform number passed in (the caller owns the seeded generator).

export type Distribution = ReadonlyArray<readonly [token: number, probability: number]>;

/** `distribution` must be sorted by probability, highest first. */
export function chooseToken(distribution: Distribution, temperature: number, topP: number, uniform: number): number {
  const first = distribution[0];
  if (!first) throw new Error('SAMPLER_EMPTY_DISTRIBUTION');
  if (temperature === 0) return first[0];
  const weights: Array<[number, number]> = [];
  let total = 0;
  let mass = 0;
  for (const [token, p] of distribution) {
    if (mass >= topP) break;
    mass += p;
    const w = Math.pow(p, 1 / temperature);
    weights.push([token, w]);
    total += w;
  }
  let target = uniform * total;
  for (const [token, w] of weights) {
    target -= w;
    if (target < 0) return token;
  }
  return (weights.at(-1) as [number, number])[0];
}
