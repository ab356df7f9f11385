// What a request's `logit_bias` and presence / frequency penalties do to the next-token distribution, as OpenAI
// defines them: logit[j] += bias[j] − c[j]·frequency_penalty − (c[j] > 0)·presence_penalty, where c[j] counts token
// j in the completion so far (not the prompt). The built-in engine samples from the result and reports its top-k;
// the verifier replays the same function on the reference's distribution (decision 024), so an honest host and
// its check see the same numbers. Only the adjusted tokens move: every other one keeps its logit, and the whole
// distribution is renormalised by one factor.

/** A next-token distribution: (token, probability) pairs, highest probability first. */
export type Distribution = ReadonlyArray<readonly [token: number, probability: number]>;

export type LogitAdjustments = {
  /** token id (a decimal string, as in the request) → added to its logit, in [−100, 100] */
  logitBias: Readonly<Record<string, number>>;
  presencePenalty: number;
  frequencyPenalty: number;
};

/** Whether the adjustments change anything at all (an empty bias and zero penalties do not). */
export function adjustsDistribution(adjustments: LogitAdjustments): boolean {
  return (
    adjustments.presencePenalty !== 0 ||
    adjustments.frequencyPenalty !== 0 ||
    Object.values(adjustments.logitBias).some((b) => b !== 0)
  );
}

/** How often each token occurs in `ids` (the completion so far). */
export function tokenCounts(ids: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** Each adjusted token's logit change at a position whose completion so far has these token `counts`. */
export function logitDeltas(adjustments: LogitAdjustments, counts: ReadonlyMap<number, number>): Map<number, number> {
  const deltas = new Map<number, number>();
  for (const [key, bias] of Object.entries(adjustments.logitBias)) if (bias !== 0) deltas.set(Number(key), bias);
  if (adjustments.presencePenalty !== 0 || adjustments.frequencyPenalty !== 0)
    for (const [id, count] of counts) {
      const penalty = count * adjustments.frequencyPenalty + adjustments.presencePenalty;
      deltas.set(id, (deltas.get(id) ?? 0) - penalty);
    }
  for (const [id, delta] of deltas) if (delta === 0) deltas.delete(id);
  return deltas;
}

/**
 * log Z′, the renormaliser after adding `deltas` to the logits: Z′ = (1 − Σ p_j) + Σ p_j·e^δ_j over the adjusted
 * tokens j, whose logprobs `logprobOf` gives. A token's adjusted logprob is its logprob + δ − log Z′ (δ = 0 when
 * it is not adjusted).
 */
export function adjustedLogNormaliser(deltas: ReadonlyMap<number, number>, logprobOf: (id: number) => number): number {
  let untouched = 1;
  let adjusted = 0;
  for (const [id, delta] of deltas) {
    const p = Math.exp(logprobOf(id));
    untouched -= p;
    adjusted += p * Math.exp(delta);
  }
  return Math.log(Math.max(untouched, 0) + adjusted);
}

/** A whole distribution (probabilities, highest first) after the deltas: renormalised and sorted again. */
export function adjustDistribution(
  distribution: ReadonlyArray<readonly [token: number, probability: number]>,
  deltas: ReadonlyMap<number, number>,
): Array<[number, number]> {
  if (deltas.size === 0) return distribution.map(([id, p]) => [id, p]);
  const byId = new Map(distribution);
  const logNorm = adjustedLogNormaliser(deltas, (id) => Math.log(byId.get(id) ?? 0));
  return distribution
    .map(([id, p]): [number, number] => [id, Math.exp(Math.log(p) + (deltas.get(id) ?? 0) - logNorm)])
    .sort((a, b) => b[1] - a[1]);
}

/** The first `logit_bias` key that is not a token id of the model: a decimal integer its vocabulary has. */
export function firstUnknownBiasToken(
  logitBias: Readonly<Record<string, number>>,
  isToken: (id: number) => boolean,
): string | undefined {
  return Object.keys(logitBias).find((key) => !/^(0|[1-9]\d{0,9})$/.test(key) || !isToken(Number(key)));
}
