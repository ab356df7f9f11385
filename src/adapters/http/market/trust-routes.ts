// Trust on every surface: a buyer disputes a response it paid for; a host reads its checks and convictions (the
// evidence) and appeals; the operator reads any host's evidence and decides appeals.
import type { FastifyInstance } from 'fastify';
import { appealConviction, decideAppeal, openDispute, type TrustDeps } from '../../../app/verification/disputes.ts';
import type {
  AppealRow,
  CheckRow,
  ConvictionRecord,
  DisputeRow,
} from '../../../app/verification/verification-store.ts';
import type { ApiKeyRecord } from '../../../app/ports.ts';
import {
  appealDecisionSchema,
  appealRequestSchema,
  checksQuerySchema,
  disputeRequestSchema,
} from '../../../contracts/trust/trust-requests.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { parseRequest } from '../openai/parse-request.ts';
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

export function registerTrustRoutes(app: FastifyInstance, deps: TrustDeps): void {
  const buyer = { config: { auth: 'buyer' as const } };
  const host = { config: { auth: 'host' as const } };
  const operator = { config: { auth: 'operator' as const } };
  const evidence = async (hostId: string, query: unknown) => {
    const { limit, after } = parseRequest(checksQuerySchema, query ?? {});
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

  app.post('/v1/disputes', buyer, async (request, reply) => {
    const body = parseRequest(disputeRequestSchema, request.body);
    const dispute = await openDispute(
      deps,
      (request.apiKey as ApiKeyRecord).accountId,
      body.request_id,
      body.reason ?? null,
    );
    return reply.status(201).send(disputeView(dispute));
  });
  app.get('/v1/disputes', buyer, async (request) => ({
    object: 'list',
    data: (await deps.store.listDisputes((request.apiKey as ApiKeyRecord).accountId)).map(disputeView),
  }));

  app.get('/hosts/me/checks', host, async (request) => evidence(request.hostId as string, request.query));
  app.post('/hosts/me/appeals', host, async (request, reply) => {
    const body = parseRequest(appealRequestSchema, request.body);
    return reply
      .status(201)
      .send(appealView(await appealConviction(deps, request.hostId as string, body.conviction_id, body.reason)));
  });

  app.get<{ Params: { id: string } }>('/admin/hosts/:id/checks', operator, async (request) =>
    evidence(request.params.id, request.query),
  );
  app.get('/admin/appeals', operator, async () => ({
    object: 'list',
    data: (await deps.store.listAppeals()).map(appealView),
  }));
  app.post<{ Params: { id: string } }>('/admin/appeals/:id', operator, async (request) => {
    const { decision } = parseRequest(appealDecisionSchema, request.body);
    return appealView(await decideAppeal(deps, request.params.id, decision === 'grant'));
  });
}
