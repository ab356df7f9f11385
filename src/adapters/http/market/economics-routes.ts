// Money over time on every surface: buyers top up through the payment provider; hosts see their held-back,
// payable and bonded funds, post and withdraw bonds and ask for payouts; the operator confirms payments and payouts,
// reads epoch reports, settles due epochs now, and reconciles the ledger.
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
import type { Clock } from '../../../app/ports.ts';
import { idempotencyKeySchema } from '../../../contracts/economics/economics-requests.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { hostRoutes } from '../../../contracts/routes/host-routes.ts';
import { v1Routes } from '../../../contracts/routes/v1-routes.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
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
/** A list's `status` filter: none when empty, else one of the allowed values. */
function statusFilter<S extends string>(value: string | undefined, allowed: readonly S[]): { status?: S } {
  if (!value) return {};
  const status = allowed.find((s) => s === value);
  if (status === undefined)
    throw marketError('invalid_value', `Invalid value for 'status': one of ${allowed.join(', ')}.`, {
      param: 'status',
    });
  return { status };
}

export function registerEconomicsRoutes(table: RouteTable, deps: EconomicsRouteDeps): void {
  const store = deps.funds.store;

  defineRoute(table, v1Routes.requestTopUp).handle(async ({ caller, body }) => {
    const { topUp, instructions } = await requestTopUp(deps.funds, { accountId: caller.key.accountId }, body.amount);
    return { ...topUpView(topUp), instructions };
  });
  defineRoute(table, v1Routes.listTopUps).handle(async ({ caller }) => ({
    object: 'list',
    data: (await store.listTopUps({ accountId: caller.key.accountId })).map(topUpView),
  }));

  defineRoute(table, hostRoutes.funds).handle(async ({ caller: { hostId } }) => {
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
  defineRoute(table, hostRoutes.bond).handle(async ({ caller: { hostId }, body }) => {
    await postBond(deps.funds, hostId, body.amount);
    return { bond: formatNanos((await store.hostFunds(hostId)).bond) };
  });
  defineRoute(table, hostRoutes.depositBond).handle(async ({ caller: { hostId }, body }) => {
    const { topUp, instructions } = await requestTopUp(deps.funds, { hostId }, body.amount);
    return { ...topUpView(topUp), instructions };
  });
  defineRoute(table, hostRoutes.unbond).handle(async ({ caller: { hostId }, body }) =>
    unbondingView(await requestUnbonding(deps.funds, hostId, body.amount)),
  );
  defineRoute(table, hostRoutes.requestPayout).handle(async ({ request, caller: { hostId }, body }) => {
    const key = idempotencyKeySchema.safeParse(request.headers['idempotency-key']);
    if (!key.success)
      throw marketError('invalid_value', key.error.issues[0]?.message ?? 'invalid Idempotency-Key', {
        param: 'Idempotency-Key',
      });
    return payoutView(await requestPayout(deps.funds, hostId, body.amount, key.data));
  });
  defineRoute(table, hostRoutes.listPayouts).handle(async ({ caller: { hostId } }) => ({
    object: 'list',
    data: (await store.listPayouts({ hostId })).map(payoutView),
  }));

  defineRoute(table, adminRoutes.listTopUps).handle(async ({ query }) => ({
    object: 'list',
    data: (await store.listTopUps(statusFilter(query.status, TOPUP_STATUSES))).map(topUpView),
  }));
  for (const [contract, outcome] of [
    [adminRoutes.confirmTopUp, 'confirmed'],
    [adminRoutes.cancelTopUp, 'cancelled'],
  ] as const) {
    defineRoute(table, contract).handle(async ({ params, body }) =>
      topUpView(await settleTopUp(deps.funds, params.id, outcome, body.reference)),
    );
  }
  defineRoute(table, adminRoutes.listPayouts).handle(async ({ query }) => ({
    object: 'list',
    data: (await store.listPayouts(statusFilter(query.status, PAYOUT_STATUSES))).map(payoutView),
  }));
  for (const [contract, outcome] of [
    [adminRoutes.markPayoutPaid, 'paid'],
    [adminRoutes.markPayoutFailed, 'failed'],
  ] as const) {
    defineRoute(table, contract).handle(async ({ params, body }) =>
      payoutView(await settlePayout(deps.funds, params.id, outcome, body.reference)),
    );
  }

  defineRoute(table, hostRoutes.epochs).handle(async ({ caller: { hostId } }) => ({
    object: 'list',
    data: (await store.listEpochs(100)).map((e) => {
      const mine = e.report?.hosts.find((h) => h.hostId === hostId);
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
  defineRoute(table, adminRoutes.listEpochs).handle(async () => ({
    object: 'list',
    data: (await store.listEpochs(100)).map(epochView),
  }));
  defineRoute(table, adminRoutes.getEpoch).handle(async ({ params }) => {
    const number = Number(params.number);
    const epoch = Number.isInteger(number) && number >= 0 ? await store.findEpoch(number) : undefined;
    if (!epoch) throw marketError('epoch_not_found', `No epoch '${params.number}'.`, { param: 'number' });
    return epochView(epoch);
  });
  defineRoute(table, adminRoutes.settleEpochs).handle(async () => {
    const run = await settleEpochs({ store, clock: deps.clock }, deps.rules);
    return { closed: run.closed.map(epochView), released: run.released, unbondings_released: run.unbondingsReleased };
  });
  defineRoute(table, adminRoutes.checkLedger).handle(async () => ledgerCheckView(await store.checkLedger()));
}
