// The store port for the operator's records (accounts, credits, keys, catalog, usage). Implemented on SQL.
import type { Nanos } from '../domain/money/nanos.ts';
import type { ApiKeyRecord, KeyRole, UsageRecord } from './ports.ts';

export type ModelRecord = {
  id: string;
  name: string;
  contextLength: number;
  /** per token: listed, the demand price now (what a request locks); upserted, the operator's base price */
  promptPrice: Nanos;
  completionPrice: Nanos;
  defaultMaxTokens: number;
  maxTokensCap: number;
  tokenizerDir: string;
  digest: string;
  quantization: string;
};

/** A model as listed: its demand price now, and the operator's base price (from which its ceiling follows). */
export type ListedModel = ModelRecord & { basePrice: { prompt: Nanos; completion: Nanos } };

export type HostRecord = { id: string; name: string; baseUrl: string; engineKind: string };
/** A host as routing sees it: agents (hosts that joined by themselves) have a forward secret and heartbeat. */
export type RoutedHost = HostRecord & {
  forwardSecret: string | null;
  /** an agent's key, which signs its receipts */
  publicKey: string | null;
  lastSeenAtMs: number | null;
  maxConcurrency: number | null;
  /** accepted maintenance windows that have not ended */
  maintenance: MaintenanceWindow[];
  /** 0–100, from its verification checks and misses: sets how often its answers are re-scored */
  reputation: number;
  /** a buyer's dispute against it is open: every answer is re-scored until a check settles it */
  underDispute: boolean;
  /** credits it locked: the larger, the more of a model's traffic it gets first choice of */
  bond: Nanos;
};
/** A host's ask per token; operator-registered engines have none (they take the market price). */
export type RouteRecord = {
  modelId: string;
  upstreamModel: string;
  host: RoutedHost;
  ask: { prompt: Nanos; completion: Nanos } | null;
};

export type MaintenanceWindow = { id: string; hostId: string; startsAtMs: number; endsAtMs: number };

/** A host agent after its registration was verified and probed. */
export type AgentHost = HostRecord & {
  publicKey: string;
  tokenHash: string;
  forwardSecret: string;
  engineVersion: string;
  maxConcurrency: number;
  status: 'active' | 'pending';
};
/** A registered agent as the operator reviews it: where it is, whether it serves, and the models it declared. */
export type AgentHostState = {
  id: string;
  name: string;
  baseUrl: string;
  forwardSecret: string;
  status: 'active' | 'pending';
  models: string[];
  lastSeenAtMs: number | null;
  reputation: number;
  /** set when a conviction suspended it (a granted appeal lifts it) */
  suspendedAtMs: number | null;
  /** the scorecard: failures outside maintenance windows, and usage claims that did not match */
  misses: number;
  strikes: number;
};
export type AgentRoute = { modelId: string; askPrompt: Nanos; askCompletion: Nanos };

/** What a capacity probe measured of one host serving one model. */
export type CapacityMeasurement = {
  hostId: string;
  modelId: string;
  /** from sending the request to the first token, as a buyer would see it */
  ttftMs: number;
  prefillTokensPerSecond: number;
  /** null when the answer had a single token (no interval between tokens to measure) */
  decodeTokensPerSecond: number | null;
  measuredAtMs: number;
};

export type HostSummary = {
  id: string;
  name: string;
  baseUrl: string;
  lastSeenAtMs: number | null;
  models: string[];
  requests: number;
  completionTokens: number;
  earnings: Nanos;
  /** failed requests outside maintenance windows */
  misses: number;
  /** usage claims that were not the count of the host's own token ids */
  strikes: number;
  /** 0–100, from verification checks and misses */
  reputation: number;
  suspendedAtMs: number | null;
  maintenance: MaintenanceWindow[];
  /** the latest capacity probe of each model it serves */
  capacity: CapacityMeasurement[];
};

/** A key as listed: its record and what it captured itself (not its descendants), ever and on one UTC day. */
export type ListedKey = ApiKeyRecord & { spentTotal: Nanos; spentToday: Nanos };

/** A key as it is stored: its record without the fields the database fills in, and the hash of its secret. */
export type NewKey = Omit<ApiKeyRecord, 'revokedAtMs' | 'updatedAtMs'> & { hash: string };

/** A usage record as the buyer reads it back; `refundedBy`: the conviction that refunded it. */
export type UsageRow = Omit<UsageRecord, 'accountId' | 'keyId'> & { createdAtMs: number; refundedBy: string | null };

/** Which usage records: every field given narrows (an account's, a host's, one model, one key, a time range). */
/** `keyIds`: only these keys' records (a sub-key sees its own subtree's). */
export type UsageFilter = {
  accountId?: string;
  hostId?: string;
  modelId?: string;
  keyPrefix?: string;
  keyIds?: readonly string[];
  fromMs?: number;
  toMs?: number;
};

export type UsageBucket = 'minute' | 'hour' | 'day';

/** Usage summed per time bucket, model and key (the console's charts). */
export type UsagePoint = {
  bucketStartMs: number;
  modelId: string;
  keyPrefix: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: Nanos;
};

export type MarketStore = {
  createAccount(id: string, name: string): Promise<void>;
  accountExists(id: string): Promise<boolean>;
  listAccounts(): Promise<Array<{ id: string; name: string; credits: Nanos; holds: Nanos }>>;
  /** false when this idempotency key was already used (nothing granted twice) */
  grantCredits(accountId: string, amount: Nanos, idempotencyKey: string): Promise<boolean>;
  balances(accountId: string): Promise<{ credits: Nanos; holds: Nanos }>;
  balanceOf(ledgerAccountId: string): Promise<Nanos>;
  /** false (nothing inserted) when the key's account already has `maxLiveKeys` keys not revoked */
  insertKey(key: NewKey, maxLiveKeys: number): Promise<boolean>;
  findKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** with what each key captured, ever and on `day` (a UTC date; 0 without one) */
  listKeys(filter: { accountId?: string; role?: KeyRole; day?: string }): Promise<ListedKey[]>;
  /** revokes the key and all its descendants; returns the ids revoked now */
  revokeKey(id: string): Promise<string[]>;
  replaceOperatorKey(key: NewKey): Promise<void>;
  upsertModel(model: ModelRecord): Promise<void>;
  listModels(): Promise<ListedModel[]>;
  /** an operator-registered engine; `maxConcurrency` as declared (null or absent: undeclared) */
  upsertHost(
    host: HostRecord & { maxConcurrency?: number | null },
    modelId: string,
    upstreamModel: string,
  ): Promise<void>;
  /** routes of active hosts not suspended, with their maintenance windows not ended at nowMs */
  listRoutes(nowMs: number): Promise<RouteRecord[]>;
  /** the host's row and exactly these routes (a re-registration replaces what the host serves) */
  saveAgentHost(host: AgentHost, routes: readonly AgentRoute[]): Promise<void>;
  findAgentHost(hostId: string): Promise<AgentHostState | undefined>;
  listAgentHosts(): Promise<AgentHostState[]>;
  /** an approved host: active, serving only the given models */
  activateHost(hostId: string, modelIds: readonly string[]): Promise<void>;
  findHostByTokenHash(tokenHash: string): Promise<{ id: string } | undefined>;
  touchHost(hostId: string): Promise<void>;
  hostSummary(hostId: string, nowMs: number): Promise<HostSummary | undefined>;
  /** windows not yet ended, of every host (empty hostIds: all) */
  listMaintenance(nowMs: number, hostIds?: readonly string[]): Promise<MaintenanceWindow[]>;
  addMaintenance(window: MaintenanceWindow): Promise<void>;
  /** false when the window is not this host's or already cancelled */
  cancelMaintenance(hostId: string, windowId: string): Promise<boolean>;
  /** adds to hosts' scorecards: misses (failures outside maintenance) and strikes (usage claims not matching their ids) */
  recordHostTallies(tallies: {
    misses: ReadonlyMap<string, number>;
    strikes: ReadonlyMap<string, number>;
  }): Promise<void>;
  /** keeps the latest measurement per host and model */
  recordCapacity(measurement: CapacityMeasurement): Promise<void>;
  listCapacity(hostIds?: readonly string[]): Promise<CapacityMeasurement[]>;
  /** newest first; `after`: only records older than that one (by time, then request id) that the filter matches */
  listUsage(filter: UsageFilter, limit: number, after?: string): Promise<UsageRow[]>;
  /** requests served per host since then */
  requestsByHost(sinceMs: number): Promise<Map<string, number>>;
  /** oldest first; without `perKey` every point's keyPrefix is '' */
  usageSeries(filter: UsageFilter, bucket: UsageBucket, perKey: boolean): Promise<UsagePoint[]>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  ledgerTotals(): Promise<{ sum: Nanos; negativeAccounts: string[] }>;
  /** the sum of balances per ledger account kind */
  ledgerByKind(): Promise<Array<{ kind: string; accounts: number; balance: Nanos }>>;
};
