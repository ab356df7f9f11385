// What a buyer hears when a request is not served for want of capacity, or because its hosts failed. A busy market
// says 503 with Retry-After (retrying will work); 502 is kept for hosts that really broke (retrying the same will
// not help until they are fixed). Nothing is charged for any of these.
import { marketError, type MarketError } from '../../contracts/errors/market-error.ts';
import type { ShedReason } from '../../domain/routing/admission.ts';
import type { UpstreamError } from '../ports.ts';

/** A host's own Retry-After is honoured within these bounds (a host cannot park buyers for an hour). */
const MIN_RETRY_AFTER_S = 1;
const MAX_RETRY_AFTER_S = 60;

/** Answers that mean "at capacity, try again": the host works, it has no room now. */
const isBusy = (failure: UpstreamError) =>
  failure.phase === 'status' && (failure.status === 429 || failure.status === 503);

const clampRetryAfter = (seconds: number) =>
  Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, Math.ceil(seconds)));

/**
 * Every host tried failed before its first byte (or none was left to try). If any of them was only busy, the buyer gets 503 `hosts_busy`
 * with the soonest Retry-After a busy host gave (1 s when none did); otherwise 504 for a timeout, 502 for the rest.
 */
export function noHostAnswer(modelId: string, failures: readonly UpstreamError[]): MarketError {
  // None was tried: every host went down or out while the request waited for its slot.
  if (failures.length === 0)
    return marketError(
      'no_host_available',
      `No host of '${modelId}' is available right now; retry shortly. Nothing was charged.`,
      { retryAfterSeconds: MIN_RETRY_AFTER_S },
    );
  const busy = failures.filter(isBusy);
  if (busy.length > 0) {
    const hinted = busy.map((f) => f.retryAfterSeconds).filter((s): s is number => s !== undefined);
    const retryAfter = clampRetryAfter(hinted.length > 0 ? Math.min(...hinted) : MIN_RETRY_AFTER_S);
    return marketError(
      'hosts_busy',
      `Every host of '${modelId}' is at capacity; retry after ${retryAfter} s. Nothing was charged.`,
      { retryAfterSeconds: retryAfter },
    );
  }
  if (failures.at(-1)?.phase === 'timeout') return marketError('host_timeout', 'The host did not answer in time.');
  return marketError('host_failed', 'No host could serve the request; nothing was charged.');
}

/** The gateway's own queue for the model is full, or the request waited in it too long: shed, nothing charged. */
export function overloaded(
  modelId: string,
  reason: ShedReason | 'client_closed',
  retryAfterSeconds: number,
): MarketError {
  const retryAfter = clampRetryAfter(retryAfterSeconds);
  const why =
    reason === 'wait_timeout'
      ? 'waited too long for a free host'
      : 'found every host of the model busy and its queue full';
  return marketError(
    'overloaded',
    `The request ${why} ('${modelId}' is overloaded); retry after ${retryAfter} s. Nothing was charged.`,
    { retryAfterSeconds: retryAfter },
  );
}
