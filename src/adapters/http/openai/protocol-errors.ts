// Answers that Fastify and node:http would otherwise write in their own shapes — a request the HTTP parser cannot
// read, a URL the router cannot decode, a request that arrives while the server closes, an HTTP/1.1 request without
// Host (or with two), CONNECT, an unknown Expect — in the OpenAI envelope. A request the parser rejects has no trustworthy URL, so
// it gets the /v1 envelope whichever surface it aimed at (every surface documents the same envelope).
import type { FastifyError, FastifyHttpOptions, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorEnvelope, marketError, type MarketError } from '../../../contracts/errors/market-error.ts';
import { marketErrorAnswer } from './market-error-answer.ts';

/** The parser's error codes (llhttp HPE_*, node's ERR_HTTP_*) that have a status of their own; the rest are 400. */
const PARSER_REFUSALS: Record<string, MarketError> = {
  HPE_HEADER_OVERFLOW: marketError('headers_too_large', 'The request headers are too large.'),
  ERR_HTTP_REQUEST_TIMEOUT: marketError('request_timeout', 'The request did not arrive in time.'),
  HPE_INVALID_METHOD: marketError('unknown_method', 'The request method is not an HTTP method this server knows.'),
};
const MALFORMED = marketError(
  'malformed_request',
  'The request is not valid HTTP/1.1 (request line, headers, Content-Length or chunked framing).',
);

/** A whole HTTP/1.1 response in the envelope, for the places where only the socket is left. */
export function rawEnvelopeResponse(refusal: MarketError): string {
  const error = marketErrorAnswer(refusal);
  const body = JSON.stringify(error.toBody());
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${randomUUID().replaceAll('-', '')}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

function answerParserError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ code: error.code }, 'unreadable request refused');
  if (socket.writable) socket.end(rawEnvelopeResponse(PARSER_REFUSALS[error.code ?? ''] ?? MALFORMED));
  socket.destroySoon();
}

/** Errors Fastify raises before a route is found: a URL that does not decode, a path parameter past its limit. */
function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = marketErrorAnswer(
    error.code === 'FST_ERR_BAD_URL'
      ? marketError('invalid_url', 'The URL is not validly percent-encoded.')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? marketError('url_too_long', 'A path segment of the URL is too long.')
        : marketError('internal_error', 'The server failed to handle the request.'),
  );
  if (apiError.status >= 500) request.log.error({ err: error }, 'request failed before routing');
  void reply.status(apiError.status).header('x-request-id', request.id).send(apiError.toBody());
}

/**
 * Options for every Fastify server that speaks the OpenAI wire format. Fastify's own 503-while-closing writes its
 * default body, so it is off and `installProtocolGuards` answers those requests instead; node's own Host check
 * answers with an empty body, so the guard checks Host too.
 */
export const openAiServerOptions = {
  clientErrorHandler: answerParserError,
  frameworkErrors: answerFrameworkError,
  return503OnClosing: false,
  http: { requireHostHeader: false },
} satisfies FastifyHttpOptions<Server>;

export function installProtocolGuards(app: FastifyInstance): void {
  // node:http ends a connection as soon as the client half-closes it (shuts its sending side after the request, as
  // `nc -N` does), dropping an answer still being computed; with this it answers what it received, then closes.
  // (node's own undocumented http.Server field, there since v0.x; test/market/hostile-requests.test.ts pins it.)
  Object.assign(app.server, { httpAllowHalfOpen: true });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      void reply.header('connection', 'close');
      throw marketError('shutting_down', 'This server is shutting down; retry the request.');
    }
    // RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host; any request at most one.
    // (`headersDistinct` is node's; an in-process request (inject) has only the merged headers.)
    const hosts = request.raw.headersDistinct?.host?.length ?? (request.headers.host === undefined ? 0 : 1);
    const { httpVersionMajor, httpVersionMinor } = request.raw;
    if (hosts === 0 && httpVersionMajor === 1 && httpVersionMinor === 1) {
      throw marketError('missing_host', 'An HTTP/1.1 request must carry a Host header.');
    }
    if (hosts > 1) throw marketError('duplicate_host', 'A request may carry only one Host header.');
  });
  // Without listeners node drops a CONNECT request's socket and answers an unknown Expect with an empty 417.
  app.server.on('connect', (_request, socket: Socket) => {
    socket.end(
      rawEnvelopeResponse(marketError('method_not_allowed', 'This server is not a proxy: CONNECT is not allowed.')),
    );
  });
  app.server.on('checkExpectation', (_request, response) => {
    const body = JSON.stringify(
      errorEnvelope(marketError('expectation_failed', 'The only expectation this server meets is 100-continue.')),
    );
    response.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-request-id': randomUUID().replaceAll('-', ''),
    });
    response.end(body);
  });
}
