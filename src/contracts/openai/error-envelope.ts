// The OpenAI error envelope every surface answers refusals in, and ApiError: a refusal already rendered for the wire
// (status, envelope, headers). Use cases throw `marketError(code, …)` (errors/market-error.ts) and the surfaces render
// it through the catalog; ApiError is for the engine host's own answers (a server of its own, not the market's
// surfaces) — not a way for use-case code to choose a status.
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'insufficient_quota'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'service_unavailable';

export type OpenAiErrorBody = {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string | null };
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAiErrorType,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code = 'invalid_request'): ApiError =>
  new ApiError(400, 'invalid_request_error', message, code, param);
