// The Responses API on /v1: a response served on the chat path, as JSON or as typed server-sent events (each event
// named by its type; the stream ends with the response's last event, no `[DONE]`), and the account's stored responses.
import type { FastifyReply } from 'fastify';
import { Cancellation } from '../../../app/cancellation.ts';
import { serveResponse, type ServeResponseDeps } from '../../../app/v1/responses/serve-response.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { responsesRoutes } from '../../../contracts/routes/responses-routes.ts';
import type { ResponseStreamEvent } from '../../../contracts/openai/responses-response.ts';
import { openSseStream } from '../openai/sse-stream.ts';
import { buyerHeaders, routingTraceFor, traceJson } from './answer-headers.ts';
import { defineRoute, type RouteTable } from './define-route.ts';

export type ResponsesRouteDeps = ServeResponseDeps;

const notFound = (id: string) => marketError('response_not_found', `Response with id '${id}' not found.`);

export function registerResponsesRoutes(table: RouteTable, deps: ResponsesRouteDeps): void {
  defineRoute(table, responsesRoutes.createResponse).handle(async ({ request, reply, caller, body }) => {
    // The buyer hanging up stops the host's work (and bills only what was delivered), as on chat.
    const hangUp = new Cancellation();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) hangUp.abort();
    });
    const served = await serveResponse(deps, {
      body,
      key: caller.key,
      requestId: request.id,
      signal: hangUp,
      trace: routingTraceFor(request, body.trace),
    });
    if (served.kind === 'json') return served.body;
    return relay(deps, reply, served.events);
  });

  defineRoute(table, responsesRoutes.getResponse).handle(async ({ caller, params }) => {
    const stored = await deps.store.findResponse(caller.key.accountId, params.id);
    if (!stored) throw notFound(params.id);
    return stored.response;
  });

  defineRoute(table, responsesRoutes.deleteResponse).handle(async ({ caller, params }) => {
    if (!(await deps.store.deleteResponse(caller.key.accountId, params.id))) throw notFound(params.id);
    return { id: params.id, object: 'response' as const, deleted: true as const };
  });
}

/** The events that end a served response: a routing trace asked for goes just before, once the answer is complete. */
const ENDS = new Set(['response.completed', 'response.incomplete']);

async function relay(
  deps: ResponsesRouteDeps,
  reply: FastifyReply,
  events: AsyncGenerator<ResponseStreamEvent, void, undefined>,
) {
  const headers = { 'x-request-id': reply.request.id, ...buyerHeaders(deps.serve.rateLimiter, reply.request) };
  const sse = openSseStream(reply, headers);
  const trace = reply.request.routingTrace;
  try {
    for await (const event of events) {
      if (sse.closed) break;
      if (trace && ENDS.has(event.type)) sse.comment(`agora-trace ${traceJson(trace)}`);
      sse.send(event, event.type);
    }
  } finally {
    await events.return(undefined);
    sse.end();
  }
  return reply;
}
