// Money in and out of the market: top-ups through a payment provider (credits arrive once the provider — for the
// manual provider, the operator — confirms the payment), hosts' bonds and unbonding, and payouts of payable
// balances through a payout provider. Confirmations are idempotent: a top-up credits once, a payout pays once.
import { marketError } from '../../contracts/errors/market-error.ts';
import type { BondRules } from '../../domain/economics/bonds.ts';
import { formatNanos, type Nanos } from '../../domain/money/nanos.ts';
import type { Ids } from '../ports.ts';
import type { EconomicsStore, PayoutRow, TopUpRow, UnbondingRow } from './economics-store.ts';

/** How a payer is told to pay; a card or stablecoin provider would return its checkout instead. */
export type PaymentProvider = {
  name: string;
  invoice(topUp: { id: string; amount: Nanos }): { reference: string; instructions: string };
};
export type PayoutProvider = { name: string };

/** Invoices paid by bank transfer; the operator confirms each payment it receives. */
export const manualPaymentProvider: PaymentProvider = {
  name: 'manual',
  invoice: ({ id, amount }) => ({
    reference: `AGORA-${id}`,
    instructions: `Pay ${formatNanos(amount)} by bank transfer quoting AGORA-${id}; credits arrive when the operator confirms the payment.`,
  }),
};
/** Payouts the operator sends by bank transfer and then marks paid with the transfer's reference. */
export const manualPayoutProvider: PayoutProvider = { name: 'manual' };

export type FundsDeps = {
  store: EconomicsStore;
  ids: Ids;
  payments: PaymentProvider;
  payouts: PayoutProvider;
  bonds: BondRules;
};

export async function requestTopUp(
  deps: FundsDeps,
  target: { accountId: string } | { hostId: string },
  amount: Nanos,
): Promise<{ topUp: TopUpRow; instructions: string }> {
  const id = deps.ids.newId('top');
  const invoice = deps.payments.invoice({ id, amount });
  const topUp = await deps.store.createTopUp({
    id,
    accountId: 'accountId' in target ? target.accountId : null,
    hostId: 'hostId' in target ? target.hostId : null,
    amount,
    provider: deps.payments.name,
    reference: invoice.reference,
  });
  return { topUp, instructions: invoice.instructions };
}

export async function settleTopUp(
  deps: FundsDeps,
  id: string,
  outcome: 'confirmed' | 'cancelled',
  reference: string,
): Promise<TopUpRow> {
  const topUp = await deps.store.settleTopUp(id, outcome, reference);
  if (!topUp) throw marketError('topup_not_found', `No top-up '${id}'.`);
  if (topUp.status !== outcome) throw marketError('topup_settled', `The top-up '${id}' is already ${topUp.status}.`);
  return topUp;
}

export async function postBond(deps: FundsDeps, hostId: string, amount: Nanos): Promise<void> {
  if (!(await deps.store.postBond(deps.ids.newId('bond'), hostId, amount))) {
    const { payable } = await deps.store.hostFunds(hostId);
    throw marketError(
      'insufficient_payable',
      `A bond of ${formatNanos(amount)} is more than the payable balance (${formatNanos(payable)}); deposit one with POST /hosts/me/bond/deposits.`,
      { param: 'amount' },
    );
  }
}

/** The bond stays reachable by convictions until `unbondingEpochs` epochs after the current one have closed. */
export async function requestUnbonding(deps: FundsDeps, hostId: string, amount: Nanos): Promise<UnbondingRow> {
  const current = (await deps.store.currentEpoch()) ?? 0;
  const unbonding = {
    id: deps.ids.newId('unb'),
    hostId,
    amount,
    requestedEpoch: current,
    releaseEpoch: current + deps.bonds.unbondingEpochs,
  };
  if (!(await deps.store.requestUnbonding(unbonding))) {
    const { bond } = await deps.store.hostFunds(hostId);
    throw marketError(
      'insufficient_bond',
      `Unbonding ${formatNanos(amount)} is more than the bond (${formatNanos(bond)}).`,
      { param: 'amount' },
    );
  }
  return { id: unbonding.id, hostId, amount, releaseEpoch: unbonding.releaseEpoch, releasedAtMs: null };
}

/** `idempotencyKey`: a retried request (same host, same key) returns the first payout and moves nothing. */
export async function requestPayout(
  deps: FundsDeps,
  hostId: string,
  amount: Nanos | undefined,
  idempotencyKey: string | undefined,
): Promise<PayoutRow> {
  const id = idempotencyKey ? `po_${hostId}_${idempotencyKey}` : deps.ids.newId('po');
  const payout = await deps.store.requestPayout({ id, hostId, amount, provider: deps.payouts.name });
  if (!payout) {
    const { payable } = await deps.store.hostFunds(hostId);
    const asked = amount === undefined ? 'A payout' : `A payout of ${formatNanos(amount)}`;
    throw marketError(
      'insufficient_payable',
      `${asked} needs a payable balance to cover it (payable: ${formatNanos(payable)}).`,
      { param: 'amount' },
    );
  }
  return payout;
}

export async function settlePayout(
  deps: FundsDeps,
  id: string,
  outcome: 'paid' | 'failed',
  reference: string,
): Promise<PayoutRow> {
  const payout = await deps.store.settlePayout(id, outcome, reference);
  if (!payout) throw marketError('payout_not_found', `No payout '${id}'.`);
  if (payout.status !== outcome) throw marketError('payout_settled', `The payout '${id}' is already ${payout.status}.`);
  return payout;
}
