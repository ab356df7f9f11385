// The interfaces use cases need from the outside world. Adapters implement them; use cases take narrow picks.
import type { PlannedTransaction } from '../domain/ledger/transaction.ts';
import type { Nanos } from '../domain/money/nanos.ts';
import type { ResponseReceipt } from '../contracts/hosts/response-receipt.ts';
import type { ProviderPreferences } from '../contracts/openai/provider-preferences.ts';
import type { UpstreamAnswer, UpstreamEvent, UpstreamWire } from '../contracts/openai/upstream-completion.ts';
import type { CancelSignal } from './cancellation.ts';

export type Clock = { nowMs(): number };
/** A uniform draw in [0, 1): Math.random in production, a seeded sequence in tests. */
export type Random = () => number;
/** A background job's one run; a rejection is reported under the job's name, and the job keeps its schedule. */
export type Job = () => Promise<unknown> | void;
/**
 * Every timer a running market uses. Background work is a named job registered here (listed in one place, stopped
 * together at shutdown); request-path waits (a hedge, a queue's bound, a batch's delay) are one-shot `after`s.
 * Production runs them on real timers; tests pass a scheduler whose time they advance.
 */
export type Scheduler = {
  /**
   * runs `job` one interval from now, and again one interval after each run ends (so runs never overlap); a function
   * gives each wait its own length (a Poisson process's random gaps)
   */
  every(name: string, intervalMs: number | (() => number), job: Job): void;
  /** runs `task` once after `ms` unless the returned cancel is called first */
  after(ms: number, task: () => void): () => void;
  /**
   * stops the recurring jobs and waits for their runs in progress; one-off tasks still run (a shutdown stops the jobs
   * first, while its last billing flush may still retry on `after`)
   */
  stopJobs(): Promise<void>;
  /** stops every job and pending task, and waits for the runs in progress */
  stop(): Promise<void>;
};
/** What a composition root passes down for time: the clock, the random source and the scheduler, always together. */
export type TimePorts = { clock: Clock; random: Random; scheduler: Scheduler };
export type Ids = { newId(prefix: string): string; newSecret(): string };
export type Logger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

/** One finished completion as the metrics see it: model and outcome, and the upstream's timings when one served. */
export type CompletionObservation = {
  modelId: string;
  status: string;
  upstream?: { firstByteMs: number; totalMs: number };
};
export type CompletionMetrics = { completed(observation: CompletionObservation): void };

export type KeyRole = 'buyer' | 'operator';

export type ApiKeyRecord = {
  id: string;
  accountId: string;
  parentKeyId: string | null;
  name: string;
  prefix: string;
  role: KeyRole;
  /** may create sub-keys: root keys may; a sub-key only when its parent handed the right on */
  canCreateKeys: boolean;
  models: string[] | null;
  spendLimitTotal: Nanos | null;
  spendLimitDaily: Nanos | null;
  /** requests and tokens per minute; null: the market's default */
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
  /** standing preferences for the key's requests; a request's own `provider` overrides them field by field */
  providerPreferences: ProviderPreferences | null;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
  updatedAtMs: number;
};

export type KeyStore = {
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  changedSince(updatedAtMs: number): Promise<Array<ApiKeyRecord & { hash: string }>>;
};

/** `needNanos`: the hold of the request that asked; `chunkNanos`: the most the lease may take beyond it. */
export type LeaseRequest = {
  leaseId: string;
  keyId: string;
  accountId: string;
  instanceId: string;
  needNanos: Nanos;
  chunkNanos: Nanos;
  expiresAtMs: number;
  nowMs: number;
};
/** `remainingNanos`: what the key tree's spend limits still leave the key (less than the request needed). */
export type LeaseOutcome =
  | { ok: true; amount: Nanos }
  | { ok: false; reason: 'spend_limit'; remainingNanos: Nanos }
  | { ok: false; reason: 'insufficient_funds' | 'key_inactive' };

export type LeaseStore = {
  acquire(request: LeaseRequest): Promise<LeaseOutcome>;
  renew(leaseIds: readonly string[], expiresAtMs: number): Promise<void>;
  /** returns leases whose holder did not renew them (a crashed or stopped gateway) to their accounts' credits */
  reclaimExpired(nowMs: number): Promise<number>;
};

export type UsageRecord = {
  requestId: string;
  accountId: string;
  keyId: string;
  keyPrefix: string;
  modelId: string;
  hostId: string | null;
  promptTokens: number;
  completionTokens: number;
  /** of the prompt tokens, those billed as cache reads; of the completion tokens, those the model reasoned with */
  cachedTokens: number;
  reasoningTokens: number;
  /** the locked price per token of each usage class; `cost` is the sum over classes of tokens × price */
  promptPrice: Nanos;
  completionPrice: Nanos;
  cachedPromptPrice: Nanos;
  reasoningPrice: Nanos;
  cost: Nanos;
  status: string;
  /** hosts tried (a hedge copy included) and whether a hedge copy was sent */
  attempts: number;
  hedged: boolean;
  /** digests of the bytes exchanged with the host, and its verified signature over them (null: none or invalid) */
  receipt: ResponseReceipt | null;
};

export type BillingOperation =
  | {
      type: 'capture';
      leaseId: string;
      keyId: string;
      day: string;
      transaction: PlannedTransaction | undefined;
      usage: UsageRecord;
    }
  | { type: 'return-lease'; leaseId: string }
  /** gives back part of a lease still in use (what no request holds) to the account's credits */
  | { type: 'shrink-lease'; id: string; leaseId: string; amount: Nanos };

export type BillingWriter = { write(operations: readonly BillingOperation[]): Promise<void> };

/**
 * `bearer`: the secret a host agent expects from the market (operator-registered engines have none); `requestId`:
 * the market's id, which the host's receipt names.
 */
export type UpstreamCall = {
  baseUrl: string;
  path: string;
  body: object;
  signal: CancelSignal;
  requestId: string;
  bearer?: string | null;
};
/**
 * The receipt's digests are the market's own, of the bytes it sent and received; the signature is the host's claim
 * (null if it gave none), still to be verified. A stream's receipt is known once its events are read to the end.
 * The answer is read once, by the engine client, into typed events (a JSON answer: its body as sent and its reading).
 */
export type UpstreamResponse =
  | { kind: 'json'; body: UpstreamWire; answer: UpstreamAnswer; receipt: ResponseReceipt }
  | { kind: 'stream'; events: AsyncGenerator<UpstreamEvent>; receipt(): ResponseReceipt | undefined };

/** Where an upstream call failed: before any byte (safe to retry elsewhere), with an HTTP error, or mid-stream. */
export class UpstreamError extends Error {
  constructor(
    readonly phase: 'connect' | 'status' | 'mid_stream' | 'timeout',
    message: string,
    readonly status?: number,
    readonly body?: unknown,
    /** a busy host's Retry-After, in seconds, when it sent one */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export type EngineClient = { send(call: UpstreamCall & { stream: boolean }): Promise<UpstreamResponse> };

export type Tokenizer = {
  encode(text: string): number[];
  /** the text of these ids, or undefined when one is not in the vocabulary */
  decode(ids: readonly number[]): string | undefined;
  renderChat(messages: ReadonlyArray<{ role: string; content: string }>): string;
};
