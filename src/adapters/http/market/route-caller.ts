// Who is calling, as the auth hook proved it: a typed value on the request that `defineRoute` hands each handler
// narrowed to the route's declared `auth`, so no handler reads an optional field or casts to learn its caller.
import type { FastifyRequest } from 'fastify';
import type { ConsoleSession } from '../../../app/auth/console-sessions.ts';
import type { ApiKeyRecord } from '../../../app/ports.ts';
import type { RouteAuth } from '../../../contracts/http/route-contract.ts';

export type Caller =
  | { auth: 'public' }
  | { auth: 'buyer'; key: ApiKeyRecord }
  | { auth: 'operator'; key: ApiKeyRecord }
  | { auth: 'host'; hostId: string }
  /** the live console session the cookie names, if any: a `session` route reads or ends it */
  | { auth: 'session'; live: { token: string; session: ConsoleSession } | undefined };

export type CallerOf<A extends RouteAuth> = Extract<Caller, { auth: A }>;

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the auth hook before any handler runs; null only before it has */
    caller: Caller | null;
  }
}

const isCallerOf = <A extends RouteAuth>(caller: Caller, auth: A): caller is CallerOf<A> => caller.auth === auth;

/** The request's caller as its route declared it; a route the auth hook did not see is a bug, not a refusal. */
export function callerOf<A extends RouteAuth>(request: FastifyRequest, auth: A): CallerOf<A> {
  const caller = request.caller;
  if (caller && isCallerOf(caller, auth)) return caller;
  throw new Error(`ROUTE_CALLER_MISSING: ${request.method} ${request.url} declares ${auth} but the auth hook did not`);
}
