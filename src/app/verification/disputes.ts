// Buyers' disputes and hosts' appeals. A dispute never penalizes a host by itself: it makes every answer of the host
// for that SKU a sample until its next check, whose verdict settles the dispute. An account whose disputes keep
// being rejected loses the right to dispute.
import { marketError } from '../../contracts/errors/market-error.ts';
import { mayDispute } from '../../domain/verification/dispute-rights.ts';
import type { Ids } from '../ports.ts';
import type { AppealRow, DisputeRow, VerificationStore } from './verification-store.ts';

export type TrustDeps = { store: VerificationStore; ids: Ids };

export async function openDispute(
  deps: TrustDeps,
  accountId: string,
  requestId: string,
  reason: string | null,
): Promise<DisputeRow> {
  const served = await deps.store.servedRequest(accountId, requestId);
  if (!served)
    throw marketError('request_not_found', `No response '${requestId}' served to this account.`, {
      param: 'request_id',
    });
  const record = await deps.store.disputeRecord(accountId);
  const decided = record.upheld + record.rejected;
  if (!mayDispute(record)) {
    throw marketError(
      'disputes_revoked',
      `This account's disputes were rejected ${record.rejected} times out of ${decided}; it may no longer dispute.`,
    );
  }
  const dispute = {
    id: deps.ids.newId('dsp'),
    accountId,
    requestId,
    hostId: served.hostId,
    modelId: served.modelId,
    reason,
  };
  const opened = await deps.store.addDispute(dispute);
  if (!opened)
    throw marketError('already_disputed', `The response '${requestId}' is already disputed.`, { param: 'request_id' });
  return opened;
}

export async function appealConviction(
  deps: TrustDeps,
  hostId: string,
  convictionId: string,
  reason: string,
): Promise<AppealRow> {
  const appeal = await deps.store.appeal({ id: deps.ids.newId('apl'), convictionId, hostId, reason });
  if (!appeal)
    throw marketError('conviction_not_found', `No conviction '${convictionId}' of this host.`, {
      param: 'conviction_id',
    });
  return appeal;
}

export async function decideAppeal(deps: TrustDeps, appealId: string, granted: boolean): Promise<AppealRow> {
  const decided = await deps.store.decideAppeal(appealId, granted);
  if (!decided) throw marketError('appeal_not_found', `No open appeal '${appealId}'.`);
  return decided;
}
