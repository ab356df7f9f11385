// Routing among a model's hosts on this gateway instance, in the order:
// (1) filter: alive (an agent heartbeat within three intervals; operator-registered engines have none and count as
//     alive), circuit not open, not draining or in a maintenance window (price and buyer preferences are filtered
//     before, per request);
// (2) weight: observed capacity (tokens/s of the host's recent answers on this instance), times a factor of its
//     reputation (½ for a new host, 1 for a reputable one); a host whose format failures (broken tool calls, invalid
//     JSON) exceed its model's median by the set margin stays a first choice only in its factor's share of requests;
// (3) choose: power of two choices over peak-EWMA latency × outstanding load;
// (4) caps: once a host of the model has a bond, a host above its bond's share of the model's recent traffic (10%
//     unbonded, more with a bond) goes behind those within theirs; a host above max(25%, 2/N) behind all others;
// (5) prefix affinity: the host that last served the conversation's prefix wins near-ties.
// Hosts at their declared concurrency come after all others (their engines queue), so a burst is slowed, not
// refused. Each attempt reports back its latency (to the first byte for streams, the whole answer otherwise) and
// whether the host failed, which drives its circuit and, outside maintenance, counts a miss.
import { isHostLive } from '../../domain/hosts/liveness.ts';
import { isAway } from '../../domain/hosts/maintenance.ts';
import { modelSlots } from '../../domain/routing/admission.ts';
import {
  admit,
  closedCircuit,
  recordFailure,
  recordSuccess,
  type Circuit,
} from '../../domain/routing/circuit-breaker.ts';
import {
  earnHedge,
  emptyHedgeBudget,
  pushSample,
  quantile,
  spendHedge,
  type HedgeBudget,
} from '../../domain/routing/hedging.ts';
import {
  observeLatency,
  observeSpeed,
  orderHosts,
  tokensPerSecond,
  UNMEASURED_LATENCY_MS,
  type LatencyEstimate,
} from '../../domain/routing/host-choice.ts';
import { capTiers, RecentTraffic } from '../../domain/routing/traffic-share.ts';
import { formatTiers } from '../../domain/routing/format-demotion.ts';
import type { BondRules } from '../../domain/economics/bonds.ts';
import { reputationWeight } from '../../domain/verification/reputation.ts';
import type { Clock, Random } from '../ports.ts';
import type { ModelRoute } from './market-catalog.ts';

/** `outpaced`: a hedge's loser, still without its first byte when the other copy answered (a lower bound on its latency). */
export type AttemptOutcome = 'ok' | 'failed' | 'cancelled' | 'outpaced';
export type HostAttempt = {
  firstByte(): void;
  /** `completionTokens` of a served answer measure the host's speed (its routing weight) */
  finish(outcome: AttemptOutcome, completionTokens?: number): void;
  /** ms from sending to the first byte and to now (for metrics) */
  elapsed(): { firstByteMs: number; totalMs: number };
};

export type RouteQuery = { modelId: string; routes: readonly ModelRoute[]; affinityKey: string | undefined };

export type HostRouter = {
  candidates(query: RouteQuery): ModelRoute[];
  begin(query: RouteQuery, route: ModelRoute): HostAttempt;
  /** when to send a hedge copy of a request to this model: its p95 time to first byte, once known */
  hedgeDelayMs(modelId: string): number | undefined;
  /** takes one hedge from the 5% budget (every hedge-eligible request earns a share of one) */
  earnHedge(): void;
  spendHedge(): boolean;
  /** failures outside maintenance windows since the last call, per host */
  takeMisses(): Map<string, number>;
  /** ms that attempts held a host's slot since the last call, per model (the demand price's utilization) */
  takeBusyTime(): Map<string, number>;
  /** what this instance sees of each host it has sent to: attempts in flight and its circuit */
  hostStates(): HostState[];
  /** the routes a request could go to now: alive, not away, circuit not open (the status page, the price floor) */
  onlineRoutes(routes: readonly ModelRoute[]): ModelRoute[];
  /** the declared slots of those routes' online hosts (the model's admission capacity; Infinity: undeclared) */
  slotsOnline(routes: readonly ModelRoute[]): number;
};

export type HostState = { hostId: string; inFlight: number; circuit: Circuit['state'] };

const AFFINITY_ENTRIES = 10_000;

export type HostRouterDeps = {
  clock: Clock;
  /** breaks ties in the power-of-two choice */
  random: Random;
  heartbeatIntervalMs: number;
  bonds: BondRules;
  /** told how every attempt ended (the per-host metrics) */
  onAttempt?: (hostId: string, outcome: AttemptOutcome) => void;
  /** each host's weight factor for a model from its format failures (absent: 1) */
  formatFactors?: (modelId: string) => ReadonlyMap<string, number>;
};

export function createHostRouter(deps: HostRouterDeps): HostRouter {
  const outstanding = new Map<string, number>();
  const latency = new Map<string, LatencyEstimate>();
  const circuits = new Map<string, Circuit>();
  const traffic = new Map<string, RecentTraffic>();
  const firstByteSamples = new Map<string, number[]>();
  const affinity = new Map<string, string>();
  const speed = new Map<string, number>();
  let misses = new Map<string, number>();
  let busy = new Map<string, number>();
  let hedges: HedgeBudget = emptyHedgeBudget;
  const load = (hostId: string): number => outstanding.get(hostId) ?? 0;
  const recent = (modelId: string): RecentTraffic => {
    const existing = traffic.get(modelId);
    if (existing) return existing;
    const created = new RecentTraffic();
    traffic.set(modelId, created);
    return created;
  };

  const alive = (route: ModelRoute, nowMs: number) => isHostLive(route.host, nowMs, deps.heartbeatIntervalMs);
  const hasRoom = (route: ModelRoute) =>
    route.host.maxConcurrency === null || load(route.host.id) < route.host.maxConcurrency;
  const circuitAdmits = (route: ModelRoute, nowMs: number) => {
    const decision = admit(circuits.get(route.host.id) ?? closedCircuit, nowMs);
    if (decision.admitted) circuits.set(route.host.id, decision.circuit);
    return decision.admitted;
  };
  /** alive, not away, circuit not open: without moving an open circuit to half-open (that is for sending) */
  const online = (routes: readonly ModelRoute[]) => {
    const nowMs = deps.clock.nowMs();
    return routes.filter(
      (r) =>
        alive(r, nowMs) &&
        !isAway(r.host.maintenance, nowMs) &&
        admit(circuits.get(r.host.id) ?? closedCircuit, nowMs).admitted,
    );
  };
  const remember = (affinityKey: string, hostId: string) => {
    affinity.delete(affinityKey);
    affinity.set(affinityKey, hostId);
    if (affinity.size > AFFINITY_ENTRIES) affinity.delete(affinity.keys().next().value as string);
  };

  return {
    candidates(query) {
      const nowMs = deps.clock.nowMs();
      const usable = query.routes.filter(
        (r) => alive(r, nowMs) && !isAway(r.host.maintenance, nowMs) && circuitAdmits(r, nowMs),
      );
      const measured = usable.map((r) => speed.get(r.host.id)).filter((t): t is number => t !== undefined);
      const unmeasuredWeight = measured.length > 0 ? measured.reduce((a, b) => a + b, 0) / measured.length : 1;
      const share = recent(query.modelId);
      const affineHost = query.affinityKey === undefined ? undefined : affinity.get(query.affinityKey);
      const order = (subset: ModelRoute[]) =>
        orderHosts(
          subset.map((route) => ({
            route,
            hostId: route.host.id,
            latencyMs: latency.get(route.host.id)?.ms ?? UNMEASURED_LATENCY_MS,
            outstanding: load(route.host.id),
            weight: (speed.get(route.host.id) ?? unmeasuredWeight) * reputationWeight(route.host.reputation),
          })),
          deps.random,
          affineHost,
        ).map((l) => l.route);
      const factors = deps.formatFactors?.(query.modelId);
      const [kept, demoted] = formatTiers(usable.filter(hasRoom), (r) => factors?.get(r.host.id) ?? 1, deps.random);
      const tiers = capTiers(kept, share, (r) => r.host, deps.bonds);
      return [...tiers.flatMap(order), ...order(demoted), ...order(usable.filter((r) => !hasRoom(r)))];
    },
    begin(query, route) {
      const hostId = route.host.id;
      outstanding.set(hostId, load(hostId) + 1);
      recent(query.modelId).record(hostId);
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
        finish(outcome, completionTokens = 0) {
          if (finished) return;
          finished = true;
          outstanding.set(hostId, load(hostId) - 1);
          deps.onAttempt?.(hostId, outcome);
          const nowMs = deps.clock.nowMs();
          busy.set(query.modelId, (busy.get(query.modelId) ?? 0) + (nowMs - startedMs));
          if (outcome === 'ok') {
            const sampleMs = (firstByteMs ?? nowMs) - startedMs;
            latency.set(hostId, observeLatency(latency.get(hostId), sampleMs, nowMs));
            const samples = firstByteSamples.get(query.modelId) ?? [];
            pushSample(samples, sampleMs);
            firstByteSamples.set(query.modelId, samples);
            circuits.set(hostId, recordSuccess());
            const rate = tokensPerSecond(
              completionTokens,
              nowMs - startedMs,
              firstByteMs === undefined ? 0 : nowMs - firstByteMs,
            );
            if (rate !== undefined) speed.set(hostId, observeSpeed(speed.get(hostId), rate));
            if (query.affinityKey !== undefined) remember(query.affinityKey, hostId);
          } else if (outcome === 'outpaced') {
            latency.set(hostId, observeLatency(latency.get(hostId), nowMs - startedMs, nowMs));
          } else if (outcome === 'failed') {
            circuits.set(hostId, recordFailure(circuits.get(hostId) ?? closedCircuit, nowMs));
            if (!isAway(route.host.maintenance, nowMs)) misses.set(hostId, (misses.get(hostId) ?? 0) + 1);
          }
        },
      };
    },
    hedgeDelayMs: (modelId) => quantile(firstByteSamples.get(modelId) ?? [], 0.95),
    earnHedge() {
      hedges = earnHedge(hedges);
    },
    spendHedge() {
      const spent = spendHedge(hedges);
      hedges = spent.budget;
      return spent.ok;
    },
    takeMisses() {
      const taken = misses;
      misses = new Map();
      return taken;
    },
    takeBusyTime() {
      const taken = busy;
      busy = new Map();
      return taken;
    },
    onlineRoutes: online,
    slotsOnline(routes) {
      return modelSlots(online(routes).map((r) => r.host.maxConcurrency));
    },
    hostStates() {
      const hostIds = new Set([...outstanding.keys(), ...circuits.keys()]);
      return [...hostIds]
        .sort()
        .map((hostId) => ({ hostId, inFlight: load(hostId), circuit: (circuits.get(hostId) ?? closedCircuit).state }));
    },
  };
}
