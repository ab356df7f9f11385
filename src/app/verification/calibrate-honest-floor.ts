// Calibration: measures the honest floor of a SKU on an engine — what an honest host's checks look like under the
// conditions real serving puts it in (batch sizes, concurrent requests sharing a batch, prompts of differing
// lengths on different context sequences) — against the reference, so the verification profile's thresholds come
// from a measured distribution, not a guess. Each check pools answers of one condition until it holds the verifier's
// minimum of positions, exactly as the verifier pools a host's sampled answers.
import {
  summarizeHonestChecks,
  type CheckStatistics,
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

/** An honest host as calibration drives it: greedy answers with ids and top-k, and the prompt ids it was given. */
export type CalibrationHost = {
  answer(
    messages: readonly ChatMessage[],
    maxTokens: number,
    topK: number,
  ): Promise<{ promptIds: number[]; positions: GeneratedPosition[] }>;
};

/** A way of serving: how many requests run at once (they share the engine's batches). */
export type ServingCondition = { name: string; concurrency: number };

export type CalibrationOptions = {
  /** conversations of differing lengths; each round starts at another offset, so batches mix differently */
  prompts: readonly (readonly ChatMessage[])[];
  conditions: readonly ServingCondition[];
  checksPerCondition: number;
  maxTokens: number;
  topK: number;
  onProgress?(condition: ServingCondition, checks: number): void;
};

export type CalibrationRun = {
  conditions: Array<ServingCondition & { distribution: HonestDistribution }>;
  overall: HonestDistribution;
};

const statisticsOf = (figures: readonly PositionFigures[]): CheckStatistics => ({
  positions: figures.length,
  meanTv: figures.reduce((s, f) => s + f.tv, 0) / figures.length,
  top1Disagreement: figures.filter((f) => !f.top1Agrees).length / figures.length,
  meanAbsLogprobDelta: figures.reduce((s, f) => s + f.absLogprobDelta, 0) / figures.length,
});

async function calibrateCondition(
  host: CalibrationHost,
  reference: ReferenceScorer,
  condition: ServingCondition,
  options: CalibrationOptions,
): Promise<CheckStatistics[]> {
  const checks: CheckStatistics[] = [];
  let pool: PositionFigures[] = [];
  for (let round = 0; checks.length < options.checksPerCondition; round++) {
    const batch = Array.from({ length: condition.concurrency }, (_, slot) => {
      const at = (round * condition.concurrency + slot + round) % options.prompts.length;
      return options.prompts[at] as readonly ChatMessage[];
    });
    const answers = await Promise.all(batch.map((messages) => host.answer(messages, options.maxTokens, options.topK)));
    if (answers.every((a) => a.positions.length === 0))
      throw new Error('CALIBRATION_NO_TOKENS: the engine answered with no tokens');
    for (const { promptIds, positions } of answers) {
      pool.push(...(await scoreAnswer(reference, promptIds, positions, options.topK)));
      if (pool.length < MIN_CHECK_POSITIONS || checks.length >= options.checksPerCondition) continue;
      checks.push(statisticsOf(pool));
      pool = [];
      options.onProgress?.(condition, checks.length);
    }
  }
  return checks;
}

/** Runs every condition in turn and summarizes each, and all of them together. */
export async function calibrateHonestFloor(
  host: CalibrationHost,
  reference: ReferenceScorer,
  options: CalibrationOptions,
): Promise<CalibrationRun> {
  const all: CheckStatistics[] = [];
  const conditions: CalibrationRun['conditions'] = [];
  for (const condition of options.conditions) {
    const checks = await calibrateCondition(host, reference, condition, options);
    all.push(...checks);
    conditions.push({ ...condition, distribution: summarizeHonestChecks(checks) });
  }
  return { conditions, overall: summarizeHonestChecks(all) };
}
