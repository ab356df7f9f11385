// A host's circuit: closed while it answers; open after consecutive failures, for a backoff that doubles with each
// failed trial (capped, so no host stays quarantined forever); then half-open, letting one trial request through.
// A trial that never reports (the request went to another host first, or was priced elsewhere) frees its slot after
// another backoff, so a recovered host is never left half-open for good.

/** `openedAtMs`: when it opened, or, half-open, when its trial was let through. */
export type Circuit = {
  state: 'closed' | 'open' | 'half_open';
  failures: number;
  openedAtMs: number;
  backoffMs: number;
};

export const CIRCUIT_OPENS_AFTER = 3;
const BASE_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 60_000;

export const closedCircuit: Circuit = { state: 'closed', failures: 0, openedAtMs: 0, backoffMs: BASE_BACKOFF_MS };

export function recordSuccess(): Circuit {
  return closedCircuit;
}

export function recordFailure(circuit: Circuit, nowMs: number): Circuit {
  if (circuit.state === 'half_open')
    return {
      state: 'open',
      failures: circuit.failures + 1,
      openedAtMs: nowMs,
      backoffMs: Math.min(circuit.backoffMs * 2, MAX_BACKOFF_MS),
    };
  const failures = circuit.failures + 1;
  if (circuit.state === 'closed' && failures >= CIRCUIT_OPENS_AFTER)
    return { state: 'open', failures, openedAtMs: nowMs, backoffMs: circuit.backoffMs };
  return { ...circuit, failures };
}

/** Whether a request may go to the host now; an open circuit whose backoff has passed lets one trial through per backoff. */
export function admit(circuit: Circuit, nowMs: number): { admitted: boolean; circuit: Circuit } {
  if (circuit.state === 'closed') return { admitted: true, circuit };
  if (nowMs - circuit.openedAtMs >= circuit.backoffMs)
    return { admitted: true, circuit: { ...circuit, state: 'half_open', openedAtMs: nowMs } };
  return { admitted: false, circuit };
}
