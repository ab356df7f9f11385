// Money over time on every surface: buyers top up through the payment provider; hosts see their held-back,
// payable and bonded funds, post and withdraw bonds and ask for payouts; the operator confirms payments and payouts,
// reads epoch reports, settles due epochs now, and reconciles the ledger.
import type { FastifyInstance } from 'fastify';
import type {
  EpochReport,
  EpochRow,
  LedgerCheck,
  PayoutRow,
  TopUpRow,
  UnbondingRow,
} from '../../../app/economics/economics-store.ts';
import {
  postBond,
  requestPayout,
  requestTopUp,
  requestUnbonding,
  settlePayout,
  settleTopUp,
  type FundsDeps,
} from '../../../app/economics/funds.ts';
import { settleEpochs, type SettlementRules } from '../../../app/economics/settlement.ts';
import type { ApiKeyRecord, Clock } from '../../../app/ports.ts';
import {
  bondRequestSchema,
  idempotencyKeySchema,
  payoutRequestSchema,
  settlementSchema,
  topUpRequestSchema,
} from '../../../contracts/economics/economics-requests.ts';
import { ApiError, invalidRequest } from '../../../contracts/openai/error-envelope.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { parseRequest } from '../openai/parse-request.ts';
import { isoTime, isoTimeOrNull } from './views.ts';

export type EconomicsRouteDeps = { funds: FundsDeps; clock: Clock; rules: SettlementRules };

const topUpView = (t: TopUpRow) => ({
  id: t.id,
  account: t.accountId,
  host: t.hostId,
  amount: formatNanos(t.amount),
  provider: t.provider,
  reference: t.reference,
  status: t.status,
  created: isoTime(t.createdAtMs),
});
const payoutView = (p: PayoutRow) => ({
  id: p.id,
  host: p.hostId,
  amount: formatNanos(p.amount),
  provider: p.provider,
  status: p.status,
  reference: p.reference,
  created: isoTime(p.createdAtMs),
});
const unbondingView = (u: UnbondingRow) => ({
  id: u.id,
  amount: formatNanos(u.amount),
  release_epoch: u.releaseEpoch,
  released: isoTimeOrNull(u.releasedAtMs),
});
const reportView = (r: EpochReport) => ({
  requests: r.requests,
  prompt_tokens: r.promptTokens,
  completion_tokens: r.completionTokens,
  revenue: formatNanos(r.revenue),
  captured: formatNanos(r.captured),
  host_earnings: formatNanos(r.hostEarnings),
  platform_fees: formatNanos(r.platformFees),
  treasury: formatNanos(r.treasury),
  refunded: formatNanos(r.refunded),
  hosts: r.hosts.map((h) => ({
    host: h.hostId,
    requests: h.requests,
    completion_tokens: h.completionTokens,
    earned: formatNanos(h.earned),
    misses: h.misses,
    slashed: formatNanos(h.slashed),
  })),
  models: r.models.map((m) => ({
    model: m.modelId,
    requests: m.requests,
    prompt_tokens: m.promptTokens,
    completion_tokens: m.completionTokens,
    revenue: formatNanos(m.revenue),
  })),
});
const epochView = (e: EpochRow) => ({
  epoch: e.number,
  starts: isoTime(e.startsAtMs),
  ends: isoTime(e.endsAtMs),
  closed: isoTimeOrNull(e.closedAtMs),
  released: isoTimeOrNull(e.releasedAtMs),
  report: e.report && reportView(e.report),
});
export const ledgerCheckView = (c: LedgerCheck) => ({
  ok:
    c.sum === 0n &&
    c.driftedAccounts.length === 0 &&
    c.negativeAccounts.length === 0 &&
    c.unbalancedTransactions.length === 0 &&
    c.epochMismatches.length === 0,
  balanced: c.sum === 0n,
  sum: formatNanos(c.sum),
  accounts_checked: c.accountsChecked,
  transactions_checked: c.transactionsChecked,
  epochs_checked: c.epochsChecked,
  drifted_accounts: c.driftedAccounts.map((d) => ({
    account: d.account,
    balance: formatNanos(d.balance),
    entries: formatNanos(d.entries),
  })),
  negative_accounts: c.negativeAccounts,
  unbalanced_transactions: c.unbalancedTransactions,
  epoch_mismatches: c.epochMismatches,
});

const TOPUP_STATUSES = ['pending', 'confirmed', 'cancelled'] as const;
const PAYOUT_STATUSES = ['requested', 'paid', 'failed'] as const;
function statusFilter<S extends string>(value: unknown, allowed: readonly S[]): S | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as S;
  throw invalidRequest(`Invalid value for 'status': one of ${allowed.join(', ')}.`, 'status', 'invalid_value');
}

export function registerEconomicsRoutes(app: FastifyInstance, deps: EconomicsRouteDeps): void {
  const buyer = { config: { auth: 'buyer' as const } };
  const host = { config: { auth: 'host' as const } };
  const operator = { config: { auth: 'operator' as const } };
  const store = deps.funds.store;

  app.post('/v1/topups', buyer, async (request, reply) => {
    const { amount } = parseRequest(topUpRequestSchema, request.body);
    const { topUp, instructions } = await requestTopUp(
      deps.funds,
      { accountId: (request.apiKey as ApiKeyRecord).accountId },
      amount,
    );
    return reply.status(201).send({ ...topUpView(topUp), instructions });
  });
  app.get('/v1/topups', buyer, async (request) => ({
    object: 'list',
    data: (await store.listTopUps({ accountId: (request.apiKey as ApiKeyRecord).accountId })).map(topUpView),
  }));

  app.get('/hosts/me/funds', host, async (request) => {
    const hostId = request.hostId as string;
    const [funds, unbondings] = await Promise.all([store.hostFunds(hostId), store.listUnbondings(hostId)]);
    return {
      held_back: formatNanos(funds.earnings),
      payable: formatNanos(funds.payable),
      bond: formatNanos(funds.bond),
      unbonding: formatNanos(funds.unbonding),
      payout_pending: formatNanos(funds.payoutPending),
      unbondings: unbondings.map(unbondingView),
    };
  });
  app.post('/hosts/me/bond', host, async (request, reply) => {
    const { amount } = parseRequest(bondRequestSchema, request.body);
    await postBond(deps.funds, request.hostId as string, amount);
    return reply.status(201).send({ bond: formatNanos((await store.hostFunds(request.hostId as string)).bond) });
  });
  app.post('/hosts/me/bond/deposits', host, async (request, reply) => {
    const { amount } = parseRequest(bondRequestSchema, request.body);
    const { topUp, instructions } = await requestTopUp(deps.funds, { hostId: request.hostId as string }, amount);
    return reply.status(201).send({ ...topUpView(topUp), instructions });
  });
  app.post('/hosts/me/unbond', host, async (request, reply) => {
    const { amount } = parseRequest(bondRequestSchema, request.body);
    return reply.status(201).send(unbondingView(await requestUnbonding(deps.funds, request.hostId as string, amount)));
  });
  app.post('/hosts/me/payouts', host, async (request, reply) => {
    const { amount } = parseRequest(payoutRequestSchema, request.body ?? {});
    const key = idempotencyKeySchema.safeParse(request.headers['idempotency-key']);
    if (!key.success)
      throw invalidRequest(
        key.error.issues[0]?.message ?? 'invalid Idempotency-Key',
        'Idempotency-Key',
        'invalid_value',
      );
    return reply
      .status(201)
      .send(payoutView(await requestPayout(deps.funds, request.hostId as string, amount, key.data)));
  });
  app.get('/hosts/me/payouts', host, async (request) => ({
    object: 'list',
    data: (await store.listPayouts({ hostId: request.hostId as string })).map(payoutView),
  }));

  app.get<{ Querystring: { status?: string } }>('/admin/topups', operator, async (request) => ({
    object: 'list',
    data: (
      await store.listTopUps({
        ...(request.query.status ? { status: statusFilter(request.query.status, TOPUP_STATUSES) } : {}),
      })
    ).map(topUpView),
  }));
  for (const [action, outcome] of [
    ['confirm', 'confirmed'],
    ['cancel', 'cancelled'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/admin/topups/:id/${action}`, operator, async (request) => {
      const { reference } = parseRequest(settlementSchema, request.body);
      return topUpView(await settleTopUp(deps.funds, request.params.id, outcome, reference));
    });
  }
  app.get<{ Querystring: { status?: string } }>('/admin/payouts', operator, async (request) => ({
    object: 'list',
    data: (
      await store.listPayouts({
        ...(request.query.status ? { status: statusFilter(request.query.status, PAYOUT_STATUSES) } : {}),
      })
    ).map(payoutView),
  }));
  for (const outcome of ['paid', 'failed'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/payouts/:id/${outcome}`, operator, async (request) => {
      const { reference } = parseRequest(settlementSchema, request.body);
      return payoutView(await settlePayout(deps.funds, request.params.id, outcome, reference));
    });
  }

  app.get('/hosts/me/epochs', host, async (request) => ({
    object: 'list',
    data: (await store.listEpochs(100)).map((e) => {
      const mine = e.report?.hosts.find((h) => h.hostId === request.hostId);
      return {
        number: e.number,
        starts: isoTime(e.startsAtMs),
        ends: isoTime(e.endsAtMs),
        closed: isoTimeOrNull(e.closedAtMs),
        released: isoTimeOrNull(e.releasedAtMs),
        requests: mine?.requests ?? 0,
        completion_tokens: mine?.completionTokens ?? 0,
        earned: formatNanos(mine?.earned ?? 0n),
        misses: mine?.misses ?? 0,
        slashed: formatNanos(mine?.slashed ?? 0n),
      };
    }),
  }));
  app.get('/admin/epochs', operator, async () => ({
    object: 'list',
    data: (await store.listEpochs(100)).map(epochView),
  }));
  app.get<{ Params: { number: string } }>('/admin/epochs/:number', operator, async (request) => {
    const number = Number(request.params.number);
    const epoch = Number.isInteger(number) && number >= 0 ? await store.findEpoch(number) : undefined;
    if (!epoch)
      throw new ApiError(404, 'not_found_error', `No epoch '${request.params.number}'.`, 'epoch_not_found', 'number');
    return epochView(epoch);
  });
  app.post('/admin/epochs/settle', operator, async () => {
    const run = await settleEpochs({ store, clock: deps.clock }, deps.rules);
    return { closed: run.closed.map(epochView), released: run.released, unbondings_released: run.unbondingsReleased };
  });
  app.get('/admin/ledger/check', operator, async () => ledgerCheckView(await store.checkLedger()));
}
