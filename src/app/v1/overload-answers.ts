// What a buyer hears when a request is not served for want of capacity, or because its hosts failed. A busy market
// says 503 with Retry-After (retrying will work); 502 is kept for hosts that really broke (retrying the same will
// not help until they are fixed). Nothing is charged for any of these.
import { ApiError } from '../../contracts/openai/error-envelope.ts';
import type { ShedReason } from '../../domain/routing/admission.ts';
import type { UpstreamError } from '../ports.ts';

/** A host's own Retry-After is honoured within these bounds (a host cannot park buyers for an hour). */
const MIN_RETRY_AFTER_S = 1;
const MAX_RETRY_AFTER_S = 60;

/** Answers that mean "at capacity, try again": the host works, it has no room now. */
const isBusy = (failure: UpstreamError) =>
  failure.phase === 'status' && (failure.status === 429 || failure.status === 503);

const clampRetryAfter = (seconds: number) =>
  String(Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, Math.ceil(seconds))));

/**
 * Every host tried failed before its first byte (or none was left to try). If any of them was only busy, the buyer gets 503 `hosts_busy`
 * with the soonest Retry-After a busy host gave (1 s when none did); otherwise 504 for a timeout, 502 for the rest.
 */
export function noHostAnswer(modelId: string, failures: readonly UpstreamError[]): ApiError {
  // None was tried: every host went down or out while the request waited for its slot.
  if (failures.length === 0)
    return new ApiError(
      503,
      'service_unavailable',
      `No host of '${modelId}' is available right now; retry shortly. Nothing was charged.`,
      'no_host_available',
      null,
      { 'retry-after': '1' },
    );
  const busy = failures.filter(isBusy);
  if (busy.length > 0) {
    const hinted = busy.map((f) => f.retryAfterSeconds).filter((s): s is number => s !== undefined);
    const retryAfter = clampRetryAfter(hinted.length > 0 ? Math.min(...hinted) : MIN_RETRY_AFTER_S);
    return new ApiError(
      503,
      'service_unavailable',
      `Every host of '${modelId}' is at capacity; retry after ${retryAfter} s. Nothing was charged.`,
      'hosts_busy',
      null,
      { 'retry-after': retryAfter },
    );
  }
  if (failures.at(-1)?.phase === 'timeout')
    return new ApiError(504, 'server_error', 'The host did not answer in time.', 'host_timeout');
  return new ApiError(502, 'server_error', 'No host could serve the request; nothing was charged.', 'host_failed');
}

/** The gateway's own queue for the model is full, or the request waited in it too long: shed, nothing charged. */
export function overloaded(modelId: string, reason: ShedReason | 'client_closed', retryAfterSeconds: number): ApiError {
  const retryAfter = clampRetryAfter(retryAfterSeconds);
  const why =
    reason === 'wait_timeout'
      ? 'waited too long for a free host'
      : 'found every host of the model busy and its queue full';
  return new ApiError(
    503,
    'service_unavailable',
    `The request ${why} ('${modelId}' is overloaded); retry after ${retryAfter} s. Nothing was charged.`,
    'overloaded',
    null,
    { 'retry-after': retryAfter },
  );
}
