// Buyers' disputes and hosts' appeals. A dispute never penalizes a host by itself: it makes every answer of the host
// for that SKU a sample until its next check, whose verdict settles the dispute. An account whose disputes keep
// being rejected loses the right to dispute.
import { ApiError } from '../../contracts/openai/error-envelope.ts';
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
    throw new ApiError(
      404,
      'not_found_error',
      `No response '${requestId}' served to this account.`,
      'request_not_found',
      'request_id',
    );
  const record = await deps.store.disputeRecord(accountId);
  const decided = record.upheld + record.rejected;
  if (!mayDispute(record)) {
    throw new ApiError(
      403,
      'permission_error',
      `This account's disputes were rejected ${record.rejected} times out of ${decided}; it may no longer dispute.`,
      'disputes_revoked',
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
    throw new ApiError(
      409,
      'invalid_request_error',
      `The response '${requestId}' is already disputed.`,
      'already_disputed',
      'request_id',
    );
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
    throw new ApiError(
      404,
      'not_found_error',
      `No conviction '${convictionId}' of this host.`,
      'conviction_not_found',
      'conviction_id',
    );
  return appeal;
}

export async function decideAppeal(deps: TrustDeps, appealId: string, granted: boolean): Promise<AppealRow> {
  const decided = await deps.store.decideAppeal(appealId, granted);
  if (!decided) throw new ApiError(404, 'not_found_error', `No open appeal '${appealId}'.`, 'appeal_not_found');
  return decided;
}
