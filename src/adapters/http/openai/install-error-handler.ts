// One error handler for an OpenAI-wire surface: a use case's MarketError at its catalog status, ApiError as it is,
// Fastify's own client errors (bad JSON, body too large, wrong content type) as 400/413 in the envelope, anything
// else as a 500 without internals. An unknown path is a 404, a known path asked with a method it does not serve a 405 with `Allow`.
import type { FastifyBaseLogger, FastifyInstance, HTTPMethods } from 'fastify';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { marketError, MarketError } from '../../../contracts/errors/market-error.ts';
import { marketErrorAnswer } from './market-error-answer.ts';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function installOpenAiErrorHandler(app: FastifyInstance): void {
  installErrorAnswers(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    const apiError =
      allowed.length > 0
        ? marketErrorAnswer(
            marketError(
              'method_not_allowed',
              `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`,
            ),
            { allow: allowed.join(', ') },
          )
        : marketErrorAnswer(marketError('unknown_route', `Unknown route: ${request.method} ${path}`));
    logRefusal(request.log, apiError, apiError);
    void reply.status(apiError.status).headers(apiError.headers).send(apiError.toBody());
  });
}

/** The error handler alone: each surface plugin installs it for its own routes (the catalog maps their codes). */
export function installErrorAnswers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    logRefusal(request.log, apiError, error);
    void reply.status(apiError.status).headers(apiError.headers).send(apiError.toBody());
  });
}

/**
 * Errors in the log are for what the operator must look at. A refusal the market answers by rule (401–429, and 503
 * when no host can serve) is routine: one info line with its code and no stack. A host that failed (502, 504) is a
 * warning about that host. Only an unexpected failure — a 500 — is an error, with its stack.
 */
function logRefusal(log: FastifyBaseLogger, apiError: ApiError, error: unknown): void {
  const fields = { status: apiError.status, code: apiError.code };
  if (apiError.status === 502 || apiError.status === 504) log.warn(fields, apiError.message);
  else if (apiError.status >= 500 && apiError.status !== 503) log.error({ ...fields, err: error }, 'request failed');
  else log.info(fields, 'request refused');
}

function toApiError(error: unknown): ApiError {
  if (error instanceof MarketError) return marketErrorAnswer(error);
  if (error instanceof ApiError) return error;
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return marketErrorAnswer(marketError('body_too_large', 'The request body is too large.'));
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const message =
      fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'Send the request body as application/json.'
        : `The request could not be read: ${fastifyError.message ?? 'bad request'}`;
    return new ApiError(fastifyError.statusCode, 'invalid_request_error', message, 'invalid_body');
  }
  return marketErrorAnswer(marketError('internal_error', 'The server failed to handle the request.'));
}
