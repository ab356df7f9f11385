// The verifier: takes sampled responses off the queue, has the reference engine teacher-force each one, pools a
// host's findings per SKU until a verdict is possible, and records the check. A failed check counts only once its
// evidence is re-verified (scored again from the stored payload, the host's receipt signatures checked); enough
// counted failures convict the host: it is suspended and its buyers refunded. Answers a conviction already refunded
// were judged by it: failing them again (samples queued before it, scored after) is the same offence, recorded as a
// check but no new evidence, so one offence convicts once.
import { receiptMessage } from '../../contracts/hosts/response-receipt.ts';
import { logitDeltas } from '../../domain/sampling/logit-adjustments.ts';
import { adjustReferencePosition } from '../../domain/verification/adjusted-reference.ts';
import { afterVerdict, type ConvictionStatistic } from '../../domain/verification/host-evidence.ts';
import type { VerificationProfile } from '../../domain/verification/verification-profile.ts';
import {
  examineEmbedding,
  isEmbeddingFindings,
  judgeEmbeddingPool,
} from '../../domain/verification/embedding-check.ts';
import { reputationAfter } from '../../domain/verification/reputation.ts';
import {
  examineSample,
  judgePool,
  VERIFY_TOP_K,
  type CheckVerdict,
  type ReferencePosition,
  type SampleFindings,
} from '../../domain/verification/response-check.ts';
import type { Ids, Logger } from '../ports.ts';
import type {
  ConvictionRecord,
  Findings,
  SamplePayload,
  StoredSample,
  TrustStanding,
  VerificationStore,
} from './verification-store.ts';

/** An engine that runs the SKU exactly (the market's own or a trusted validator's) and can teacher-force. */
export type ReferenceEngine = {
  /** the SKU's embedding of these input ids (unit length), for an embedding SKU */
  embed?(inputIds: readonly number[]): Promise<number[]>;
  /** what the reference runs, named in every check (e.g. `agora-tiny f32 sha256:…`) */
  name: string;
  endOfGenerationId: number;
  isEndOfGeneration(id: number): boolean;
  score(
    promptIds: readonly number[],
    claimedIds: readonly number[],
    topK: number,
    extra: readonly (readonly number[])[],
  ): Promise<ReferencePosition[]>;
};

export type CheckEvent = {
  hostId: string;
  modelId: string;
  checkId: string;
  verdict: CheckVerdict;
  counted: boolean;
  /** a failed check of answers a conviction already refunded: recorded, no new evidence */
  alreadyRefunded: boolean;
  standing: TrustStanding;
  conviction: ConvictionRecord | undefined;
};

export type VerifierDeps = {
  store: VerificationStore;
  reference(modelId: string): Promise<ReferenceEngine | undefined>;
  ids: Ids;
  logger: Logger;
  verifySignature(publicKey: string, text: string, signature: string): boolean;
  /** the profile that judges completions where `profileFor` has none (the built-in engine's, `cpu`, by default) */
  profile: VerificationProfile;
  /**
   * The profile that judges this host's answers of this SKU (its hardware class's, or the SKU's strictest where the
   * class is not earned); undefined: the SKU has none, and `profile` applies.
   */
  profileFor?(hostId: string, modelId: string): Promise<VerificationProfile | undefined>;
  /** the mean cosine distance above which an embedding pool fails */
  embeddingThreshold: number;
  /** of what is left of a convicted host's bond after refunds */
  convictionSlashBps: bigint;
  onCheck?(event: CheckEvent): void;
};

/**
 * Teacher-forces one kept response on the reference and examines every position — on the distribution the host was
 * asked to sample from: the request's logit adjustments (bias, penalties) are replayed on the reference's. An
 * embedding is re-embedded on the reference.
 */
export async function examineResponse(reference: ReferenceEngine, payload: SamplePayload): Promise<Findings> {
  if ('embedding' in payload) {
    const { inputIds, vector } = payload.embedding;
    if (!reference.embed) throw new Error(`VERIFY_NO_EMBEDDING: ${reference.name} cannot embed`);
    return examineEmbedding(vector, await reference.embed(inputIds));
  }
  const { promptIds, claimed, temperature, stoppedByModel, adjustments } = payload;
  const ids = claimed.map((c) => c.id);
  // A claimed stop is scored one position further: the reference's view of what follows the last token.
  const forced = stoppedByModel ? [...ids, reference.endOfGenerationId] : ids;
  // Each position's adjusted tokens, from the completion before it (penalties count what came earlier).
  const counts = new Map<number, number>();
  const deltas = forced.map((id) => {
    const atPosition = adjustments ? logitDeltas(adjustments, counts) : new Map<number, number>();
    counts.set(id, (counts.get(id) ?? 0) + 1);
    return atPosition;
  });
  const widest = Math.max(0, ...deltas.map((d) => d.size));
  const scored = await reference.score(
    promptIds,
    forced,
    VERIFY_TOP_K + widest,
    forced.map((_, i) => [...(claimed[i]?.top.map((t) => t.id) ?? []), ...(deltas[i]?.keys() ?? [])]),
  );
  const positions = scored.map((p, i) => adjustReferencePosition(p, deltas[i] ?? new Map(), VERIFY_TOP_K));
  return examineSample(claimed, positions.slice(0, ids.length), {
    temperature,
    stoppedByModel,
    afterLast: stoppedByModel ? positions[ids.length] : undefined,
    isEndOfGeneration: reference.isEndOfGeneration,
  });
}

/** The verdict on a pool of findings of one host and SKU: embeddings by distance, completions by their positions. */
function judge(deps: VerifierDeps, pool: readonly Findings[], profile: VerificationProfile): CheckVerdict | undefined {
  const embeddings = pool.filter(isEmbeddingFindings);
  if (embeddings.length > 0) return judgeEmbeddingPool(embeddings, deps.embeddingThreshold);
  return judgePool(pool as SampleFindings[], profile);
}

/** Scores up to `limit` queued samples; returns how many it took. */
export async function verifyQueuedSamples(deps: VerifierDeps, limit: number): Promise<number> {
  const queued = await deps.store.unscoredSamples(limit);
  for (const sample of queued) {
    const reference = await deps.reference(sample.modelId);
    const findings: Findings = reference
      ? await examineResponse(reference, sample.payload)
      : {
          positions: 0,
          tvSum: 0,
          maxTv: 0,
          absLogprobDeltaSum: 0,
          greedyPositions: 0,
          greedyMismatches: 0,
          stopImplausible: false,
        };
    await deps.store.saveFindings(sample.requestId, findings);
    if (reference) await judgeHost(deps, reference, sample.hostId, sample.modelId);
  }
  return queued.length;
}

async function judgeHost(
  deps: VerifierDeps,
  reference: ReferenceEngine,
  hostId: string,
  modelId: string,
): Promise<void> {
  const pool = await deps.store.openPool(hostId, modelId);
  const profile = (await deps.profileFor?.(hostId, modelId)) ?? deps.profile;
  const findings = pool.map((p) => p.findings);
  const verdict = judge(deps, findings, profile);
  if (!verdict) return;
  const requestIds = pool.map((p) => p.requestId);
  const samples = verdict.passed ? [] : await deps.store.samples(requestIds);
  const counted = verdict.passed || (await evidenceHolds(deps, reference, samples, profile));
  const completions = !findings.some(isEmbeddingFindings);
  const judgedBefore = !verdict.passed && samples.length > 0 && samples.every((s) => s.refundedBy !== null);
  let convictedBy: ConvictionStatistic | null = null;
  const checkId = deps.ids.newId('chk');
  const standing = await deps.store.recordCheck(
    { id: checkId, hostId, modelId, verdict, reference: reference.name, requestIds },
    (current) => {
      if (!counted) return current;
      const before = { score: current.evidenceScore, pooled: current.pooled };
      const after = judgedBefore
        ? { evidence: before, convictedBy: null }
        : afterVerdict(before, verdict, profile, completions);
      convictedBy = after.convictedBy;
      return {
        evidenceScore: after.evidence.score,
        pooled: after.evidence.pooled,
        reputation: reputationAfter(current.reputation, { kind: verdict.passed ? 'passed' : 'failed' }),
        checksPassed: current.checksPassed + (verdict.passed ? 1 : 0),
        checksFailed: current.checksFailed + (verdict.passed ? 0 : 1),
      };
    },
  );
  if (!standing) return;
  let conviction: ConvictionRecord | undefined;
  if (convictedBy) {
    const id = deps.ids.newId('cv');
    conviction = await deps.store.convict({ id, hostId, modelId, convictedBy }, deps.convictionSlashBps);
    deps.logger.warn(
      {
        host: hostId,
        model: modelId,
        conviction: id,
        refunded: String(conviction.refunded),
        responses: conviction.responsesRefunded,
        convictedBy,
      },
      'host convicted of not running the model it sells: suspended, its buyers refunded',
    );
  } else if (!verdict.passed) {
    deps.logger.warn(
      { host: hostId, model: modelId, reasons: verdict.reasons, counted, judgedBefore },
      'a verification check failed',
    );
  }
  deps.onCheck?.({ hostId, modelId, checkId, verdict, counted, alreadyRefunded: judgedBefore, standing, conviction });
}

/**
 * A failure counts when scoring the stored payloads again fails too and every stored signature is the host's over
 * the stored digests. An answer the host did not sign is judged on the market's own digests of what it received.
 */
async function evidenceHolds(
  deps: VerifierDeps,
  reference: ReferenceEngine,
  samples: readonly StoredSample[],
  profile: VerificationProfile,
): Promise<boolean> {
  const signed = samples.every(({ requestId, receipt, hostPublicKey }) => {
    if (!receipt?.signature || !hostPublicKey) return true;
    return deps.verifySignature(
      hostPublicKey,
      receiptMessage(requestId, receipt.requestDigest, receipt.responseDigest),
      receipt.signature,
    );
  });
  if (!signed) return false;
  const again = judge(deps, await Promise.all(samples.map((s) => examineResponse(reference, s.payload))), profile);
  return again !== undefined && !again.passed;
}
