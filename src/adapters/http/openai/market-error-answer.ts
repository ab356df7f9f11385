// A market error as an HTTP answer on an OpenAI-wire surface: the catalog's status and envelope type, and
// Retry-After when retrying can work. Every 503 and 429 carries one (docs/errors.md promises it): the error's own
// hint, or a second when it gave none.
import { errorEntry } from '../../../contracts/errors/error-catalog.ts';
import { errorEnvelope, type MarketError } from '../../../contracts/errors/market-error.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);
const DEFAULT_RETRY_AFTER_S = 1;

export function marketErrorAnswer(error: MarketError, headers: Record<string, string> = {}): ApiError {
  const { message, type, param, code } = errorEnvelope(error).error;
  const answerHeaders: Record<string, string> = { ...headers };
  const { status } = errorEntry(error.code);
  const retryAfter = error.retryAfterSeconds ?? (RETRYABLE_STATUSES.has(status) ? DEFAULT_RETRY_AFTER_S : undefined);
  if (retryAfter !== undefined) answerHeaders['retry-after'] = String(retryAfter);
  return new ApiError(status, type, message, code, param, answerHeaders);
}
