// A market error as an HTTP answer on an OpenAI-wire surface: the catalog's status and envelope type, and
// Retry-After when retrying can work.
import { errorEntry } from '../../../contracts/errors/error-catalog.ts';
import { errorEnvelope, type MarketError } from '../../../contracts/errors/market-error.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';

export function marketErrorAnswer(error: MarketError, headers: Record<string, string> = {}): ApiError {
  const { message, type, param, code } = errorEnvelope(error).error;
  const answerHeaders: Record<string, string> = { ...headers };
  if (error.retryAfterSeconds !== undefined) answerHeaders['retry-after'] = String(error.retryAfterSeconds);
  return new ApiError(errorEntry(error.code).status, type, message, code, param, answerHeaders);
}
