// The canonical sampler: how a host that supports verifiable sampling draws a token at temperature T > 0, so that
// the verifier can draw the same token from the reference's distribution with the request's seed (decision 031).
// Gumbel-max over the temperature-scaled log-probabilities with noise from a counter-based generator:
//
//   token = argmax over candidates j of  ℓ_j / T + g_j,   g_j = −ln(−ln u_j),   u_j = (w_j + 0.5) / 2^32
//   w_j   = word (j mod 4) of Philox4x32-10(counter = [position, ⌊j / 4⌋, 0, 0], key = [seed mod 2^32, ⌊seed / 2^32⌋])
//
// ℓ_j is token j's log-probability after logit_bias and penalties (logit-adjustments.ts); any constant added to
// every ℓ_j changes nothing, so raw logits plus the adjustments do as well. `position` counts completion tokens
// from 0. Candidates are every token, or with top_p < 1 the nucleus: the fewest most probable tokens (by adjusted
// probability at temperature 1, ties to the lower id) whose mass reaches top_p. Equal scores go to the lower id.
// Arithmetic is binary64; an engine working in binary32 differs only at near-ties, which the verifier excludes.
import { philox4x32 } from './philox.ts';

export type SeededSampling = {
  /** an integer in [0, 2^53) */
  seed: number;
  /** above 0 (temperature 0 is greedy: the argmax, no noise) */
  temperature: number;
  /** in (0, 1]; 1 keeps every token */
  topP: number;
};

/** Token ids are array indices; −Infinity marks a token that cannot be drawn. */
export type LogprobVector = ArrayLike<number>;

const TWO_32 = 2 ** 32;

/** The Gumbel noise of `token` at `position` under `seed`. */
export function gumbelNoise(seed: number, position: number, token: number): number {
  const block = philox4x32(
    [position >>> 0, Math.floor(token / 4) >>> 0, 0, 0],
    [seed % TWO_32, Math.floor(seed / TWO_32)],
  );
  return -Math.log(-Math.log(((block[token % 4] as number) + 0.5) / TWO_32));
}

/** The candidate token ids, ascending: all drawable tokens, or the nucleus of mass `topP`. */
export function samplingCandidates(logprobs: LogprobVector, topP: number): number[] {
  const ids: number[] = [];
  for (let id = 0; id < logprobs.length; id++) if ((logprobs[id] as number) > -Infinity) ids.push(id);
  if (topP >= 1) return ids;
  let max = -Infinity;
  for (const id of ids) max = Math.max(max, logprobs[id] as number);
  let total = 0;
  for (const id of ids) total += Math.exp((logprobs[id] as number) - max);
  const byProbability = [...ids].sort((a, b) => (logprobs[b] as number) - (logprobs[a] as number) || a - b);
  const nucleus: number[] = [];
  let mass = 0;
  for (const id of byProbability) {
    if (mass >= topP) break;
    mass += Math.exp((logprobs[id] as number) - max) / total;
    nucleus.push(id);
  }
  return nucleus.sort((a, b) => a - b);
}

export type PerturbedBest = { token: number; score: number; runnerUp: number };

/** The Gumbel-max winner among `candidates` (ascending ids), its score and the second-best score. */
export function perturbedBest(
  logprobs: LogprobVector,
  candidates: readonly number[],
  position: number,
  sampling: SeededSampling,
): PerturbedBest {
  let best: PerturbedBest = { token: -1, score: -Infinity, runnerUp: -Infinity };
  for (const id of candidates) {
    const score = (logprobs[id] as number) / sampling.temperature + gumbelNoise(sampling.seed, position, id);
    if (score > best.score) best = { token: id, score, runnerUp: best.score };
    else if (score > best.runnerUp) best = { ...best, runnerUp: score };
  }
  if (best.token < 0) throw new Error('SAMPLER_EMPTY_DISTRIBUTION');
  return best;
}

/** The token the canonical sampler draws at `position`. */
export function canonicalToken(logprobs: LogprobVector, position: number, sampling: SeededSampling): number {
  return perturbedBest(logprobs, samplingCandidates(logprobs, sampling.topP), position, sampling).token;
}
