// The simulated market's state: its hosts (each with the scorecard the market keeps of it), the in-memory ledger
// their money lives in, and the running totals a result reports. Every host's money — earnings, payable balance,
// bond — is a ledger balance moved by the market's own plans (sim-money.ts), never a field of its own.
import type { MarketRules } from '../economics/market-rules.ts';
import { ledgerAccount } from '../ledger/transaction.ts';
import { planTopUpConfirmation } from '../money/top-up-plan.ts';
import type { Nanos } from '../money/nanos.ts';
import type { RefundableResponse } from '../money/conviction-refund-plan.ts';
import { RecentTraffic } from '../routing/traffic-share.ts';
import type { HostGroup, Scenario } from './scenario.ts';
import { createSimLedger, type SimLedger } from './sim-ledger.ts';

export type SimHost = {
  id: string;
  group: HostGroup;
  reputation: number;
  evidence: number;
  suspended: boolean;
  /** what it earned per epoch (the hold-back releases an epoch's earnings later) */
  earnedByEpoch: Map<number, Nanos>;
  costs: Nanos;
  /** what it paid as a buyer: wash trades and the responses behind false disputes */
  spent: Nanos;
  pool: boolean[];
  poolPositions: number;
  sinceLastPass: RefundableResponse[];
  disputedBy: SimHost | undefined;
  servedThisTick: number;
  missesThisEpoch: number;
  forwardedThisEpoch: number;
  latencyMs: number;
};

export type Detection = {
  tick: number;
  host: string;
  what: 'conviction' | 'disputes_revoked' | 'miss_slash';
  refunded: Nanos;
  slashed: Nanos;
};

export type SimState = {
  scenario: Scenario;
  rules: MarketRules;
  random: () => number;
  ledger: SimLedger;
  hosts: SimHost[];
  /** identities a sybil group may still re-enter with */
  reentries: Map<string, number>;
  /** each griefer's rejected disputes, and whether it lost the right to dispute */
  griefs: Map<SimHost, { rejected: number; revoked: boolean }>;
  recent: RecentTraffic;
  detections: Detection[];
  requests: number;
  refunded: Nanos;
  slashed: Nanos;
  nextId: number;
};

export function createSimState(scenario: Scenario, rules: MarketRules, random: () => number): SimState {
  const state: SimState = {
    scenario,
    rules,
    random,
    ledger: createSimLedger(),
    hosts: [],
    reentries: new Map(),
    griefs: new Map(),
    recent: new RecentTraffic(),
    detections: [],
    requests: 0,
    refunded: 0n,
    slashed: 0n,
    nextId: 0,
  };
  for (const group of scenario.hosts) {
    const live = group.strategy === 'sybil' ? 1 : group.count;
    for (let i = 0; i < live; i += 1) addHost(state, group);
    if (group.strategy === 'sybil') state.reentries.set(group.name, group.count - 1);
  }
  return state;
}

/** A host joins with its group's bond, posted by a top-up as a real host's would be. */
export function addHost(state: SimState, group: HostGroup): SimHost {
  const host: SimHost = {
    id: `${group.name}-${(state.nextId += 1)}`,
    group,
    reputation: 0,
    evidence: 0,
    suspended: false,
    earnedByEpoch: new Map(),
    costs: 0n,
    spent: 0n,
    pool: [],
    poolPositions: 0,
    sinceLastPass: [],
    disputedBy: undefined,
    servedThisTick: 0,
    missesThisEpoch: 0,
    forwardedThisEpoch: 0,
    latencyMs: 80 + state.random() * 40,
  };
  if (group.bond > 0n)
    state.ledger.apply(
      planTopUpConfirmation({ id: `bond-${host.id}`, amount: group.bond, accountId: null, hostId: host.id })
        .transaction,
    );
  state.hosts.push(host);
  return host;
}

export const activeHosts = (state: SimState): SimHost[] => state.hosts.filter((h) => !h.suspended);

export const bondOf = (state: SimState, host: SimHost): Nanos => state.ledger.balance(ledgerAccount.hostBond(host.id));

/** What a group's hosts made: their money in the market (bond beyond what they brought) less what they spent. */
export const profitOf = (state: SimState, groupName: string): Nanos =>
  state.hosts
    .filter((h) => h.group.name === groupName)
    .reduce(
      (sum, h) =>
        sum +
        state.ledger.balance(ledgerAccount.hostEarnings(h.id)) +
        state.ledger.balance(ledgerAccount.hostPayable(h.id)) +
        (bondOf(state, h) - h.group.bond) -
        h.costs -
        h.spent,
      0n,
    );
