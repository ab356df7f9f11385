// The OpenAI error envelope every /v1 response uses, and the status each error type maps to (so the official
// SDK raises the right exception class).
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
