// One error handler for an OpenAI-wire surface: ApiError as it is, Fastify's own client errors (bad JSON, body too
// large, wrong content type) as 400/413 in the envelope, anything else as a 500 without internals.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';

export function installOpenAiErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    // A 503 is an expected refusal (no host, busy, overloaded: it says when to retry), not the market failing.
    if (apiError.status >= 500 && apiError.status !== 503) request.log.error({ err: error }, 'request failed');
    void reply.status(apiError.status).headers(apiError.headers).send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError(404, 'not_found_error', `Unknown route: ${request.method} ${request.url.split('?')[0]}`, 'unknown_route');
    void reply.status(404).send(e.toBody());
  });
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError(413, 'invalid_request_error', 'The request body is too large.', 'body_too_large');
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const message = fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? 'Send the request body as application/json.'
      : `The request could not be read: ${fastifyError.message ?? 'bad request'}`;
    return new ApiError(fastifyError.statusCode, 'invalid_request_error', message, 'invalid_body');
  }
  return new ApiError(500, 'server_error', 'The server failed to handle the request.', 'internal_error');
}
