// The store ports for trust, one per part of the aggregate: the durable queue of sampled responses, the checks made
// of them with each host's standing per SKU, convictions with their refunds and appeals, and buyers' disputes.
import type { ResponseReceipt } from '../../contracts/hosts/response-receipt.ts';
import type { EmbeddingFindings } from '../../domain/verification/embedding-check.ts';
import type { LogitAdjustments } from '../../domain/sampling/logit-adjustments.ts';
import type { CheckVerdict, ClaimedPosition, SampleFindings } from '../../domain/verification/response-check.ts';
import type { ConvictionStatistic } from '../../domain/verification/host-evidence.ts';
import type { PooledScores } from '../../domain/verification/pooled-test.ts';

/** What re-scoring one sample found: a completion's positions, or an embedding's distance. */
export type Findings = SampleFindings | EmbeddingFindings;

/**
 * What the verifier needs of a response: the market's own prompt ids and the host's claimed positions; or, for an
 * embeddings answer, one input's ids and the host's vector for it.
 */
export type SamplePayload = CompletionPayload | EmbeddingPayload;
export type EmbeddingPayload = { embedding: { inputIds: number[]; vector: number[] } };
export type CompletionPayload = {
  promptIds: number[];
  claimed: ClaimedPosition[];
  /** null when the request left it to the host's default */
  temperature: number | null;
  stoppedByModel: boolean;
  /** the request's logit_bias and penalties, replayed on the reference (absent: none, or a sample stored before) */
  adjustments?: LogitAdjustments;
};

export type SampledResponse = {
  requestId: string;
  hostId: string;
  modelId: string;
  payload: SamplePayload;
  receipt: ResponseReceipt | null;
  servedAtMs: number;
};
/** A sample as stored: with its host's public key (to re-verify its receipt) and the conviction that refunded it */
export type StoredSample = SampledResponse & { hostPublicKey: string | null; refundedBy: string | null };
export type PooledSample = { requestId: string; findings: Findings };

export type CheckRecord = {
  id: string;
  hostId: string;
  modelId: string;
  verdict: CheckVerdict;
  reference: string;
  requestIds: string[];
};
/** The host's standing for one SKU after a check. */
export type TrustStanding = {
  /** the per-check rule's score (conviction.ts) */
  evidenceScore: number;
  /** the pooled test's scores (pooled-test.ts) */
  pooled: PooledScores;
  reputation: number;
  checksPassed: number;
  checksFailed: number;
};

export type ConvictionRecord = {
  id: string;
  hostId: string;
  modelId: string;
  checkIds: string[];
  responsesRefunded: number;
  refunded: bigint;
  fromHost: bigint;
  fromTreasury: bigint;
  fromFunding: bigint;
  fromBond: bigint;
  /** taken from what was left of the bond after refunds, to the treasury */
  slashed: bigint;
  /** which test convicted */
  convictedBy: ConvictionStatistic;
  createdAtMs: number;
};

export type CheckRow = CheckRecord & {
  createdAtMs: number;
  evidence: Array<{
    requestId: string;
    requestDigest: string | null;
    responseDigest: string | null;
    hostSignature: string | null;
  }>;
};
export type AppealRow = {
  id: string;
  convictionId: string;
  hostId: string;
  reason: string;
  status: 'open' | 'granted' | 'denied';
  createdAtMs: number;
};
export type DisputeRow = {
  id: string;
  requestId: string;
  hostId: string;
  modelId: string;
  status: 'open' | 'upheld' | 'rejected';
  createdAtMs: number;
};

/** The durable queue of sampled responses the verifier scores. */
export type SampleQueue = {
  addSample(sample: SampledResponse): Promise<void>;
  /** oldest first */
  unscoredSamples(limit: number): Promise<StoredSample[]>;
  saveFindings(requestId: string, findings: Findings): Promise<void>;
  /** scored samples of one host and SKU not yet part of a check */
  openPool(hostId: string, modelId: string): Promise<PooledSample[]>;
  samples(requestIds: readonly string[]): Promise<StoredSample[]>;
};

/** Checks made of pooled samples, and the host's standing they move. */
export type CheckStore = {
  /**
   * Writes the check, attaches its samples (a passed check deletes their payloads), resolves open disputes of the
   * host and SKU by its verdict, and moves the host's standing by `next`; returns the new standing, or undefined
   * (nothing written) when another verifier already judged one of the samples.
   */
  recordCheck(check: CheckRecord, next: (standing: TrustStanding) => TrustStanding): Promise<TrustStanding | undefined>;
  /** newest first; `after`: only checks of this host older than that one */
  hostChecks(hostId: string, limit: number, after?: string): Promise<CheckRow[]>;
};

/** Convictions with their refunds and slash, and hosts' appeals of them. */
export type ConvictionStore = {
  /**
   * Suspends the host and refunds every response it served for the SKU since its last passed check that was not
   * refunded yet, and slashes `slashBps` of what is left of its bond (planRefunds, conviction-refund-plan.ts), in one
   * transaction.
   */
  convict(
    conviction: { id: string; hostId: string; modelId: string; convictedBy: ConvictionStatistic },
    slashBps: bigint,
  ): Promise<ConvictionRecord>;
  hostConvictions(hostId: string): Promise<ConvictionRecord[]>;
  /** undefined when the conviction is not this host's; an existing appeal is returned as it is */
  appeal(appeal: { id: string; convictionId: string; hostId: string; reason: string }): Promise<AppealRow | undefined>;
  listAppeals(): Promise<AppealRow[]>;
  /** a granted appeal lifts the suspension; undefined when there is no open appeal with this id */
  decideAppeal(id: string, granted: boolean): Promise<AppealRow | undefined>;
};

/** Buyers' disputes of served responses. */
export type DisputeStore = {
  /** the host and model of one of the account's served requests, or undefined */
  servedRequest(accountId: string, requestId: string): Promise<{ hostId: string; modelId: string } | undefined>;
  disputeRecord(accountId: string): Promise<{ upheld: number; rejected: number }>;
  /** undefined when the request was already disputed */
  addDispute(dispute: {
    id: string;
    accountId: string;
    requestId: string;
    hostId: string;
    modelId: string;
    reason: string | null;
  }): Promise<DisputeRow | undefined>;
  listDisputes(accountId: string): Promise<DisputeRow[]>;
};

/** The whole trust aggregate, as the composition root builds it. */
export type VerificationStore = SampleQueue & CheckStore & ConvictionStore & DisputeStore;
