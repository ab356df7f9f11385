// A host's reputation, 0–100: it grows with passed checks, falls hard on a confirmed failure and a little on each
// miss outside a maintenance window. It sets how often the host's answers are sampled for re-scoring (a new host
// every time, a reputable one down to the floor) and a share of its routing weight.

export const REPUTATION = { max: 100, passGain: 2, failLoss: 25, missLoss: 1 } as const;
export const DEFAULT_SAMPLING_FLOOR = 0.02;

export type ReputationEvent = { kind: 'passed' } | { kind: 'failed' } | { kind: 'missed'; count: number };

export function reputationAfter(reputation: number, event: ReputationEvent): number {
  const change =
    event.kind === 'passed'
      ? REPUTATION.passGain
      : event.kind === 'failed'
        ? -REPUTATION.failLoss
        : -REPUTATION.missLoss * event.count;
  return Math.min(REPUTATION.max, Math.max(0, reputation + change));
}

export function samplingRate(reputation: number, floor = DEFAULT_SAMPLING_FLOOR): number {
  return Math.max(floor, 1 - reputation / REPUTATION.max);
}

/** The factor on a host's routing weight: a new host draws half the traffic its capacity would, a reputable one all. */
export function reputationWeight(reputation: number): number {
  return 0.5 + Math.min(REPUTATION.max, Math.max(0, reputation)) / (2 * REPUTATION.max);
}
