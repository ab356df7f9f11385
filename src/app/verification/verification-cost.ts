// What verification costs: re-scored tokens ÷ served tokens, per model, on this gateway instance since it started.
// The reference teacher-forces a kept answer's prompt and completion in one pass, so both sides count prompt +
// completion tokens. A host sampled above the floor (new, or under dispute: sampled on every answer) is on
// probation; the steady-state figure leaves those answers out, because a market of settled hosts pays only it.

/** The share of serving compute verification should stay under (issue 20). */
export const VERIFICATION_COST_GOAL = 0.02;

export type VerificationStage = 'probation' | 'steady';
export type CostTally = { servedTokens: number; rescoredTokens: number };

export type ModelVerificationCost = {
  modelId: string;
  overall: CostTally & { share: number };
  /** answers of hosts sampled at the floor only */
  steady: CostTally & { share: number };
};

export type VerificationCostMeter = {
  /** one answer served: its tokens, and the tokens the reference will re-score (0 when it was not kept) */
  record(modelId: string, stage: VerificationStage, servedTokens: number, rescoredTokens: number): void;
  costs(): ModelVerificationCost[];
};

const shareOf = (tally: CostTally): CostTally & { share: number } => ({
  ...tally,
  share: tally.servedTokens === 0 ? 0 : tally.rescoredTokens / tally.servedTokens,
});

export function createVerificationCostMeter(): VerificationCostMeter {
  const tallies = new Map<string, Record<VerificationStage, CostTally>>();
  return {
    record(modelId, stage, servedTokens, rescoredTokens) {
      let model = tallies.get(modelId);
      if (!model) {
        model = { probation: { servedTokens: 0, rescoredTokens: 0 }, steady: { servedTokens: 0, rescoredTokens: 0 } };
        tallies.set(modelId, model);
      }
      model[stage].servedTokens += servedTokens;
      model[stage].rescoredTokens += rescoredTokens;
    },
    costs() {
      return [...tallies].map(([modelId, { probation, steady }]) => ({
        modelId,
        overall: shareOf({
          servedTokens: probation.servedTokens + steady.servedTokens,
          rescoredTokens: probation.rescoredTokens + steady.rescoredTokens,
        }),
        steady: shareOf(steady),
      }));
    },
  };
}
