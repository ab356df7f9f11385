// What verification costs and how it is calibrated, for the operator: re-scored ÷ served tokens per model.
import { VERIFICATION_COST_GOAL, type ModelVerificationCost } from '../../../app/verification/verification-cost.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { defineRoute, type RouteTable } from './define-route.ts';

export type VerificationRouteDeps = { costs(): ModelVerificationCost[] };

const tallyView = (t: ModelVerificationCost['overall']) => ({
  served_tokens: t.servedTokens,
  rescored_tokens: t.rescoredTokens,
  share: t.share,
});

export function registerVerificationRoutes(table: RouteTable, deps: VerificationRouteDeps): void {
  defineRoute(table, adminRoutes.verificationCost).handle(async () => ({
    object: 'list',
    data: deps.costs().map((c) => ({
      model: c.modelId,
      overall: tallyView(c.overall),
      steady: tallyView(c.steady),
      goal: VERIFICATION_COST_GOAL,
    })),
  }));
}
