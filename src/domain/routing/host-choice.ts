// Choosing among a model's hosts: power of two choices by peak-EWMA latency × (outstanding + 1). Two random hosts
// are compared and the better goes first; the rest follow by score, as the failover order. The random source is
// passed in.

export type HostLoad = { hostId: string; latencyMs: number; outstanding: number };

/** A latency estimate that jumps to a slower sample at once and decays back toward faster ones. */
export type LatencyEstimate = { ms: number; atMs: number };

const DECAY_MS = 10_000;
/** A host with no sample yet is assumed fast, so new hosts get tried. */
export const UNMEASURED_LATENCY_MS = 1;

export function observeLatency(estimate: LatencyEstimate | undefined, sampleMs: number, nowMs: number): LatencyEstimate {
  if (!estimate || sampleMs >= estimate.ms) return { ms: sampleMs, atMs: nowMs };
  const keep = Math.exp(-Math.max(0, nowMs - estimate.atMs) / DECAY_MS);
  return { ms: estimate.ms * keep + sampleMs * (1 - keep), atMs: nowMs };
}

const score = (h: HostLoad): number => h.latencyMs * (h.outstanding + 1);

export function orderHosts<T extends HostLoad>(hosts: readonly T[], random: () => number): T[] {
  const byScore = [...hosts].sort((a, b) => score(a) - score(b));
  if (hosts.length < 2) return byScore;
  const first = Math.floor(random() * hosts.length);
  const second = (first + 1 + Math.floor(random() * (hosts.length - 1))) % hosts.length;
  const a = hosts[first] as T;
  const b = hosts[second] as T;
  const chosen = score(a) <= score(b) ? a : b;
  return [chosen, ...byScore.filter((h) => h !== chosen)];
}
