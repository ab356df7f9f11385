// Trust on every surface: a buyer disputes a response it paid for; a host reads its checks and convictions (the
// evidence) and appeals; the operator reads any host's evidence and decides appeals.
import { appealConviction, decideAppeal, openDispute, type TrustDeps } from '../../../app/verification/disputes.ts';
import type {
  AppealRow,
  CheckRow,
  ConvictionRecord,
  DisputeRow,
} from '../../../app/verification/verification-store.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { hostRoutes } from '../../../contracts/routes/host-routes.ts';
import { v1Routes } from '../../../contracts/routes/v1-routes.ts';
import type { checksQuerySchema } from '../../../contracts/trust/trust-requests.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import type { z } from 'zod';
import { defineRoute, type RouteTable } from './define-route.ts';
import { isoTime } from './views.ts';

const disputeView = (d: DisputeRow) => ({
  id: d.id,
  request_id: d.requestId,
  host: d.hostId,
  model: d.modelId,
  status: d.status,
  created: isoTime(d.createdAtMs),
});
const appealView = (a: AppealRow) => ({
  id: a.id,
  conviction_id: a.convictionId,
  host: a.hostId,
  reason: a.reason,
  status: a.status,
  created: isoTime(a.createdAtMs),
});
const checkView = (c: CheckRow) => ({
  id: c.id,
  model: c.modelId,
  passed: c.verdict.passed,
  positions: c.verdict.positions,
  mean_tv: c.verdict.meanTv,
  max_tv: c.verdict.maxTv,
  greedy_mismatches: c.verdict.greedyMismatches,
  implausible_stops: c.verdict.implausibleStops,
  reasons: c.verdict.reasons,
  reference: c.reference,
  responses: c.evidence.map((e) => ({
    request_id: e.requestId,
    request_digest: e.requestDigest,
    response_digest: e.responseDigest,
    host_signature: e.hostSignature,
  })),
  created: isoTime(c.createdAtMs),
});
const convictionView = (c: ConvictionRecord) => ({
  id: c.id,
  model: c.modelId,
  failed_checks: c.checkIds,
  responses_refunded: c.responsesRefunded,
  refunded: formatNanos(c.refunded),
  funded_by: {
    host_earnings: formatNanos(c.fromHost),
    host_bond: formatNanos(c.fromBond),
    treasury: formatNanos(c.fromTreasury),
    funding: formatNanos(c.fromFunding),
  },
  bond_slashed: formatNanos(c.slashed),
  created: isoTime(c.createdAtMs),
});

export function registerTrustRoutes(table: RouteTable, deps: TrustDeps): void {
  const evidence = async (hostId: string, { limit, after }: z.output<typeof checksQuerySchema>) => {
    // One check more than the page says whether there is a next one.
    const [checks, convictions] = await Promise.all([
      deps.store.hostChecks(hostId, limit + 1, after),
      deps.store.hostConvictions(hostId),
    ]);
    return {
      checks: checks.slice(0, limit).map(checkView),
      has_more: checks.length > limit,
      convictions: convictions.map(convictionView),
    };
  };

  defineRoute(table, v1Routes.openDispute).handle(async ({ caller, body }) =>
    disputeView(await openDispute(deps, caller.key.accountId, body.request_id, body.reason ?? null)),
  );
  defineRoute(table, v1Routes.listDisputes).handle(async ({ caller }) => ({
    object: 'list',
    data: (await deps.store.listDisputes(caller.key.accountId)).map(disputeView),
  }));

  defineRoute(table, hostRoutes.checks).handle(async ({ caller, query }) => evidence(caller.hostId, query));
  defineRoute(table, hostRoutes.appeal).handle(async ({ caller, body }) =>
    appealView(await appealConviction(deps, caller.hostId, body.conviction_id, body.reason)),
  );

  defineRoute(table, adminRoutes.hostChecks).handle(async ({ params, query }) => evidence(params.id, query));
  defineRoute(table, adminRoutes.listAppeals).handle(async () => ({
    object: 'list',
    data: (await deps.store.listAppeals()).map(appealView),
  }));
  defineRoute(table, adminRoutes.decideAppeal).handle(async ({ params, body }) =>
    appealView(await decideAppeal(deps, params.id, body.decision === 'grant')),
  );
}
