// The error a use case throws when it refuses: a catalog code, a message for the caller, and the parameter it is
// about. It names no HTTP status — each surface maps codes to its answer (error-catalog.ts).
import { errorEntry, wireCode, type ErrorCode } from './error-catalog.ts';
import type { OpenAiErrorBody } from '../openai/error-envelope.ts';

export type MarketErrorOptions = {
  /** the request parameter at fault (the catalog's `param` documents the usual one; it is not filled in) */
  param?: string | null;
  /** when retrying can work, and after how many seconds (a Retry-After header on HTTP) */
  retryAfterSeconds?: number;
};

export class MarketError extends Error {
  override readonly name = 'MarketError';
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: MarketErrorOptions = {},
  ) {
    super(message);
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * @example throw marketError('insufficient_credits', 'The account does not have enough credits for this request.');
 */
export const marketError = (code: ErrorCode, message: string, options?: MarketErrorOptions): MarketError =>
  new MarketError(code, message, options);

/** The OpenAI error envelope of a refusal, as a stream's error event carries it (HTTP answers add the status). */
export const errorEnvelope = (error: MarketError): OpenAiErrorBody => ({
  error: { message: error.message, type: errorEntry(error.code).type, param: error.param, code: wireCode(error.code) },
});
