// Routing among a model's hosts on this gateway instance. Filter: alive (an agent heartbeat within three
// intervals; operator-registered engines have none and count as alive) and circuit not open. Order: hosts under
// their declared concurrency first, by power of two choices over peak-EWMA latency × outstanding load; hosts at
// their limit only after them (their engines queue), so a burst is slowed rather than refused.
// Each attempt reports back: its latency (to the first byte for streams, the whole answer otherwise) and whether
// the host failed, which drives the host's circuit.
import { admit, closedCircuit, recordFailure, recordSuccess, type Circuit } from '../../domain/routing/circuit-breaker.ts';
import { observeLatency, orderHosts, UNMEASURED_LATENCY_MS, type LatencyEstimate } from '../../domain/routing/host-choice.ts';
import type { Clock } from '../ports.ts';
import type { ModelRoute } from './market-catalog.ts';

export type AttemptOutcome = 'ok' | 'failed' | 'cancelled';
export type HostAttempt = {
  firstByte(): void;
  finish(outcome: AttemptOutcome): void;
  /** ms from sending to the first byte and to now (for metrics) */
  elapsed(): { firstByteMs: number; totalMs: number };
};

export type HostRouter = {
  candidates(routes: readonly ModelRoute[]): ModelRoute[];
  begin(hostId: string): HostAttempt;
};

export function createHostRouter(deps: { clock: Clock; random: () => number; heartbeatIntervalMs: number }): HostRouter {
  const outstanding = new Map<string, number>();
  const latency = new Map<string, LatencyEstimate>();
  const circuits = new Map<string, Circuit>();
  const load = (hostId: string): number => outstanding.get(hostId) ?? 0;

  const alive = (route: ModelRoute, nowMs: number) => route.host.lastSeenAtMs === null || nowMs - route.host.lastSeenAtMs <= 3 * deps.heartbeatIntervalMs;
  const hasRoom = (route: ModelRoute) => route.host.maxConcurrency === null || load(route.host.id) < route.host.maxConcurrency;
  const circuitAdmits = (route: ModelRoute, nowMs: number) => {
    const decision = admit(circuits.get(route.host.id) ?? closedCircuit, nowMs);
    if (decision.admitted) circuits.set(route.host.id, decision.circuit);
    return decision.admitted;
  };

  return {
    candidates(routes) {
      const nowMs = deps.clock.nowMs();
      const usable = routes.filter((r) => alive(r, nowMs) && circuitAdmits(r, nowMs));
      const order = (subset: ModelRoute[]) =>
        orderHosts(
          subset.map((route) => ({ route, hostId: route.host.id, latencyMs: latency.get(route.host.id)?.ms ?? UNMEASURED_LATENCY_MS, outstanding: load(route.host.id) })),
          deps.random,
        ).map((l) => l.route);
      return [...order(usable.filter(hasRoom)), ...order(usable.filter((r) => !hasRoom(r)))];
    },
    begin(hostId) {
      outstanding.set(hostId, load(hostId) + 1);
      const startedMs = deps.clock.nowMs();
      let firstByteMs: number | undefined;
      let finished = false;
      return {
        firstByte() {
          firstByteMs ??= deps.clock.nowMs();
        },
        elapsed() {
          const nowMs = deps.clock.nowMs();
          return { firstByteMs: (firstByteMs ?? nowMs) - startedMs, totalMs: nowMs - startedMs };
        },
        finish(outcome) {
          if (finished) return;
          finished = true;
          outstanding.set(hostId, load(hostId) - 1);
          const nowMs = deps.clock.nowMs();
          if (outcome === 'ok') {
            latency.set(hostId, observeLatency(latency.get(hostId), (firstByteMs ?? nowMs) - startedMs, nowMs));
            circuits.set(hostId, recordSuccess());
          } else if (outcome === 'failed') circuits.set(hostId, recordFailure(circuits.get(hostId) ?? closedCircuit, nowMs));
        },
      };
    },
  };
}
