// What every /v1 answer to a buyer says besides its body: where the key stands on the rate limiter that enforces
// it (x-ratelimit-*), and, when the request asked for it, its routing trace (X-Agora-Trace, compact JSON). A JSON
// answer, success or error, gets them in one onSend hook; a stream writes its own head (it is hijacked), so it asks
// for the same headers here, and carries its trace as an SSE comment before `[DONE]`. An answer to a request that
// no key authenticated carries neither: there is no key to report on.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyRateLimiter } from '../../../app/limits/key-rate-limiter.ts';
import { RoutingTrace } from '../../../app/v1/routing-trace.ts';
import { rateLimitHeaders } from '../openai/rate-limit-headers.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the routing trace the request asked for (`X-Agora-Trace: 1` or `"trace": true`); null when it did not */
    routingTrace: RoutingTrace | null;
  }
}

export const TRACE_HEADER = 'x-agora-trace';

/** The request's trace, opened on first use when it asked for one by header or body; undefined when it did not. */
export function routingTraceFor(
  request: FastifyRequest,
  bodyAsks: boolean | null | undefined,
): RoutingTrace | undefined {
  const header = request.headers[TRACE_HEADER];
  if (bodyAsks !== true && header !== '1' && header !== 'true') return undefined;
  request.routingTrace ??= new RoutingTrace();
  return request.routingTrace;
}

/** The trace as one line of ASCII JSON (a header value allows nothing else; JSON's \u escapes keep it exact). */
export const traceJson = (trace: RoutingTrace): string =>
  JSON.stringify(trace.view()).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The headers an answer to this request carries besides its own: a buyer's rate-limit standing. */
export function buyerHeaders(limiter: KeyRateLimiter, request: FastifyRequest): Record<string, string> {
  const caller = request.caller;
  return caller?.auth === 'buyer' ? rateLimitHeaders(limiter.standing(caller.key)) : {};
}

export function installAnswerHeaders(app: FastifyInstance, limiter: KeyRateLimiter): void {
  app.decorateRequest('routingTrace', null);
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.headers(buyerHeaders(limiter, request));
    if (request.routingTrace) void reply.header(TRACE_HEADER, traceJson(request.routingTrace));
    return payload;
  });
}
