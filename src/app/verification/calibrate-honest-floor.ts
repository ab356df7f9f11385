// Calibration: measures the honest floor of a SKU on an engine — what an honest host's checks look like under the
// conditions real serving puts it in (batch sizes, concurrent requests sharing a batch, greedy and sampled answers,
// prompts of differing lengths on different context sequences) — against the reference, so the verification
// profile's thresholds come from a measured distribution, not a guess. Each check pools answers of one condition
// until it holds the verifier's minimum of positions, exactly as the verifier pools a host's sampled answers.
import {
  summarizeHonestChecks,
  type HonestCheck,
  type HonestDistribution,
} from '../../domain/verification/honest-distribution.ts';
import { MIN_CHECK_POSITIONS } from '../../domain/verification/response-check.ts';
import {
  scoreAnswer,
  type GeneratedPosition,
  type PositionFigures,
  type ReferenceScorer,
} from './measure-substitute-distance.ts';

export type ChatMessage = { role: string; content: string };
export type AnswerRequest = { maxTokens: number; topK: number; temperature: number; seed: number };

/** A host as calibration drives it: answers with ids and top-k, and the prompt ids it was given. */
export type CalibrationHost = {
  answer(
    messages: readonly ChatMessage[],
    request: AnswerRequest,
  ): Promise<{ promptIds: number[]; positions: GeneratedPosition[] }>;
};

/** A way of serving: how many requests run at once (they share the engine's batches), at which temperatures. */
export type ServingCondition = { name: string; concurrency: number; temperatures: readonly number[] };

export type CalibrationOptions = {
  /** conversations of differing lengths; each round starts at another offset, so batches mix differently */
  prompts: readonly (readonly ChatMessage[])[];
  checksPerCondition: number;
  maxTokens: number;
  topK: number;
  /** milliseconds, for the speed of each answer */
  nowMs(): number;
  onProgress?(condition: ServingCondition, checks: number): void;
};

/**
 * What one condition showed: its checks, every position's TV (the floor a GPU-like emulation draws from), and the
 * speed one request saw (its tokens over its time, prompt included), as a capacity probe measures a host.
 */
export type ConditionRun = ServingCondition & {
  checks: HonestCheck[];
  positionTvs: number[];
  decodeTokensPerSecond: number;
};

export type CalibrationRun = {
  conditions: ConditionRun[];
  /** all honest conditions' checks together */
  overall: HonestDistribution;
};

function checkOf(figures: readonly (PositionFigures & { greedy: boolean })[]): HonestCheck {
  const greedy = figures.filter((f) => f.greedy);
  return {
    positions: figures.length,
    meanTv: figures.reduce((s, f) => s + f.tv, 0) / figures.length,
    meanAbsLogprobDelta: figures.reduce((s, f) => s + f.absLogprobDelta, 0) / figures.length,
    greedyPositions: greedy.length,
    greedyMismatches: greedy.filter((f) => f.greedyMismatch).length,
  };
}

/** Runs one serving condition until it has `checksPerCondition` checks. */
export async function runCondition(
  host: CalibrationHost,
  reference: ReferenceScorer,
  condition: ServingCondition,
  options: CalibrationOptions,
): Promise<ConditionRun> {
  const checks: HonestCheck[] = [];
  const positionTvs: number[] = [];
  let pool: Array<PositionFigures & { greedy: boolean }> = [];
  let tokens = 0;
  let requestMs = 0;
  for (let round = 0; checks.length < options.checksPerCondition; round++) {
    const batch = Array.from({ length: condition.concurrency }, (_, slot) => ({
      messages: options.prompts[(round * (condition.concurrency + 1) + slot) % options.prompts.length] ?? [],
      temperature: condition.temperatures[slot % condition.temperatures.length] ?? 0,
      seed: round * condition.concurrency + slot,
    }));
    const answers = await Promise.all(
      batch.map(async ({ messages, temperature, seed }) => {
        const startedMs = options.nowMs();
        const answer = await host.answer(messages, {
          maxTokens: options.maxTokens,
          topK: options.topK,
          temperature,
          seed,
        });
        requestMs += options.nowMs() - startedMs;
        tokens += answer.positions.length;
        return answer;
      }),
    );
    if (answers.every((a) => a.positions.length === 0))
      throw new Error('CALIBRATION_NO_TOKENS: the engine answered with no tokens');
    for (const [i, { promptIds, positions }] of answers.entries()) {
      const greedy = batch[i]?.temperature === 0;
      const figures = await scoreAnswer(reference, promptIds, positions, options.topK);
      if (checks.length >= options.checksPerCondition) continue;
      positionTvs.push(...figures.map((f) => f.tv));
      pool.push(...figures.map((f) => ({ ...f, greedy })));
      if (pool.length < MIN_CHECK_POSITIONS) continue;
      checks.push(checkOf(pool));
      pool = [];
      options.onProgress?.(condition, checks.length);
    }
  }
  return { ...condition, checks, positionTvs, decodeTokensPerSecond: requestMs > 0 ? (tokens * 1000) / requestMs : 0 };
}

/** Runs every condition in turn; the overall distribution pools all their checks. */
export async function calibrateHonestFloor(
  host: CalibrationHost,
  reference: ReferenceScorer,
  conditions: readonly ServingCondition[],
  options: CalibrationOptions,
): Promise<CalibrationRun> {
  const runs: ConditionRun[] = [];
  for (const condition of conditions) runs.push(await runCondition(host, reference, condition, options));
  return { conditions: runs, overall: summarizeHonestChecks(runs.flatMap((r) => r.checks)) };
}
