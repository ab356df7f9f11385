// Distance between a host's claimed next-token distribution and the reference engine's, at one position, from
// top-k lists only (all a host sends). Total variation over the union of both top-k sets; a token the host left out
// of its top-k gets the value in [0, host's k-th probability] closest to the reference — the most favourable value
// the host's claim allows, so an honest host is never penalised for truncation.

export type TokenLogprob = { id: number; logprob: number };

export type PositionClaims = {
  hostTop: readonly TokenLogprob[];
  referenceTop: readonly TokenLogprob[];
  /** reference logprob of each token in hostTop (the reference was asked about them) */
  referenceLogprobOf: ReadonlyMap<number, number>;
};

export function topKTotalVariation({ hostTop, referenceTop, referenceLogprobOf }: PositionClaims): number {
  const host = new Map(hostTop.map((t) => [t.id, Math.exp(t.logprob)]));
  const reference = new Map(referenceTop.map((t) => [t.id, Math.exp(t.logprob)]));
  for (const [id, lp] of referenceLogprobOf) if (!reference.has(id)) reference.set(id, Math.exp(lp));
  const hostFloor = hostTop.length ? Math.min(...host.values()) : 1;
  let sum = 0;
  for (const id of new Set([...host.keys(), ...reference.keys()])) {
    const pRef = reference.get(id) ?? 0;
    const pHost = host.get(id) ?? Math.min(pRef, hostFloor);
    sum += Math.abs(pHost - pRef);
  }
  return sum / 2;
}

export function meanOf(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
