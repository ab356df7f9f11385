// The Responses API on /v1: a response served on the chat path, as JSON or as typed server-sent events (each event
// named by its type; the stream ends with the response's last event, no `[DONE]`), and the account's stored responses.
import type { FastifyReply } from 'fastify';
import { Cancellation } from '../../../app/cancellation.ts';
import { serveResponse, type ServeResponseDeps } from '../../../app/v1/responses/serve-response.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { responsesRoutes } from '../../../contracts/routes/responses-routes.ts';
import { openSseStream } from '../openai/sse-stream.ts';
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
    const served = await serveResponse(deps, { body, key: caller.key, requestId: request.id, signal: hangUp });
    if (served.kind === 'json') return served.body;
    return relay(reply, served.events);
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

async function relay(reply: FastifyReply, events: AsyncGenerator<{ type: string }, void, undefined>) {
  const sse = openSseStream(reply, { 'x-request-id': reply.request.id });
  try {
    for await (const event of events) {
      if (sse.closed) break;
      sse.send(event, event.type);
    }
  } finally {
    await events.return(undefined);
    sse.end();
  }
  return reply;
}
