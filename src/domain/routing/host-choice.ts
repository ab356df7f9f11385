// Choosing among a model's hosts: power of two choices by peak-EWMA latency × (outstanding + 1). Two hosts are
// drawn with probability in proportion to their weight (observed capacity), the better goes first, and the rest
// follow by score, as the failover order. The random source is passed in.

export type HostLoad = { hostId: string; latencyMs: number; outstanding: number; weight: number };

/** A latency estimate that jumps to a slower sample at once and decays back toward faster ones. */
export type LatencyEstimate = { ms: number; atMs: number };

const DECAY_MS = 10_000;
/** A host with no sample yet is assumed fast, so new hosts get tried. */
export const UNMEASURED_LATENCY_MS = 1;
/** Prefix affinity wins near-ties: the host that served the conversation goes first if its score is this close. */
export const AFFINITY_TOLERANCE = 1.5;

export function observeLatency(
  estimate: LatencyEstimate | undefined,
  sampleMs: number,
  nowMs: number,
): LatencyEstimate {
  if (!estimate || sampleMs >= estimate.ms) return { ms: sampleMs, atMs: nowMs };
  const keep = Math.exp(-Math.max(0, nowMs - estimate.atMs) / DECAY_MS);
  return { ms: estimate.ms * keep + sampleMs * (1 - keep), atMs: nowMs };
}

/**
 * A served answer's speed: tokens over the decode time of a stream (first token to end) when there was one long
 * enough to measure, else over the whole answer. Undefined for an answer with no tokens or no measurable time.
 */
export function tokensPerSecond(tokens: number, totalMs: number, decodeMs: number): number | undefined {
  const ms = decodeMs >= 1 && tokens > 1 ? decodeMs : totalMs;
  return tokens > 0 && ms >= 1 ? (1000 * tokens) / ms : undefined;
}

/** A smoothed speed (EWMA), so one odd answer moves a host's weight only a little. */
export const observeSpeed = (estimate: number | undefined, sample: number): number =>
  estimate === undefined ? sample : 0.8 * estimate + 0.2 * sample;

export const score = (h: HostLoad): number => h.latencyMs * (h.outstanding + 1);

function drawWeighted<T extends HostLoad>(hosts: readonly T[], random: () => number): T {
  const total = hosts.reduce((sum, h) => sum + h.weight, 0);
  let point = random() * total;
  for (const host of hosts) {
    point -= host.weight;
    if (point < 0) return host;
  }
  return hosts[hosts.length - 1] as T;
}

export function orderHosts<T extends HostLoad>(
  hosts: readonly T[],
  random: () => number,
  affinityHostId?: string,
): T[] {
  const byScore = [...hosts].sort((a, b) => score(a) - score(b));
  if (hosts.length < 2) return byScore;
  const a = drawWeighted(hosts, random);
  const b = drawWeighted(
    hosts.filter((h) => h !== a),
    random,
  );
  let chosen = score(a) <= score(b) ? a : b;
  const affine = hosts.find((h) => h.hostId === affinityHostId);
  if (affine && score(affine) <= score(chosen) * AFFINITY_TOLERANCE) chosen = affine;
  return [chosen, ...byScore.filter((h) => h !== chosen)];
}
