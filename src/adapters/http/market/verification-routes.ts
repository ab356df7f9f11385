// What verification costs (re-scored ÷ served tokens per model) and the profiles that judge hosts, for the operator:
// list them, or install the one a calibration wrote.
import { VERIFICATION_COST_GOAL, type ModelVerificationCost } from '../../../app/verification/verification-cost.ts';
import { installableProfile } from '../../../app/verification/install-profile.ts';
import type { InstalledProfile, ProfileStore } from '../../../app/verification/profile-store.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { defineRoute, type RouteTable } from './define-route.ts';

export type VerificationRouteDeps = {
  costs(): ModelVerificationCost[];
  profiles: Pick<ProfileStore, 'installProfile' | 'listProfiles'>;
  /** after an install: what is published re-reads the profiles */
  installed(): Promise<void>;
};

const profileView = (p: InstalledProfile) => ({
  model: p.modelId,
  engine_kind: p.engineKind,
  hardware_class: p.hardwareClass,
  measured_at: p.profile.measuredAt,
  per_check_mean_tv_threshold: p.profile.perCheck.meanTvThreshold,
  pooled: p.profile.pooled !== null,
  decode_tokens_per_second: p.decodeTokensPerSecond,
  provenance: p.profile.provenance,
});

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
  defineRoute(table, adminRoutes.listVerificationProfiles).handle(async () => ({
    object: 'list',
    data: (await deps.profiles.listProfiles()).map(profileView),
  }));
  defineRoute(table, adminRoutes.installVerificationProfile).handle(async ({ body }) => {
    const profile = installableProfile(body);
    await deps.profiles.installProfile(profile);
    await deps.installed();
    return profileView(profile);
  });
}
