// The only way a market route is registered: from its contract (src/contracts/routes), which also lists it in
// /openapi.json. The handler gets its caller typed by the contract's `auth`, its path parameters, and its body and
// query already parsed by the contract's schemas; it returns the JSON the contract's response schema describes.
// Routes are collected in a table per surface (/v1, /admin, /hosts, the console and public pages); the server
// registers each surface as a Fastify plugin of its own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {
  BodyParsed,
  PathParams,
  QueryParsed,
  ResponseInput,
  RouteContract,
} from '../../../contracts/http/route-contract.ts';
import { parseRequest } from '../openai/parse-request.ts';
import { callerOf, type CallerOf } from './route-caller.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the contract the route was registered from (define-route.ts); a route without one refuses to boot */
    contract?: RouteContract;
  }
}

export type RouteInput<C extends RouteContract> = {
  request: FastifyRequest;
  reply: FastifyReply;
  caller: CallerOf<C['auth']>;
  params: PathParams<C['url']>;
  body: BodyParsed<C>;
  query: QueryParsed<C>;
};

/** A handler answers with its JSON, or with the reply it has sent itself (HTML, CSV, a stream, another status). */
export type RouteHandler<C extends RouteContract> = (
  input: RouteInput<C>,
) => Promise<ResponseInput<C>> | Promise<FastifyReply>;

export type RouteOptions = {
  /** checks that must refuse a request before its body is read (a sign-in from another site's page) */
  before?: (request: FastifyRequest) => void;
};

const pathParams = <Url extends string>(request: FastifyRequest): PathParams<Url> =>
  // Fastify fills exactly the `:name` segments of the route's own URL.
  request.params as PathParams<Url>;

export type Surface = 'v1' | 'admin' | 'hosts' | 'console';
export const SURFACES: readonly Surface[] = ['v1', 'admin', 'hosts', 'console'];
/** A route's surface is its path's first segment; the console owns the pages and public routes outside the APIs. */
export const surfaceOf = (url: string): Surface => {
  const first = url.split('/')[1];
  return first === 'v1' || first === 'admin' || first === 'hosts' ? first : 'console';
};

/** The routes of the market, by surface, waiting to be registered into their surface's plugin. */
export type RouteTable = { routes: Map<Surface, Array<(surface: FastifyInstance) => void>> };
export const createRouteTable = (): RouteTable => ({ routes: new Map(SURFACES.map((s) => [s, []])) });

/**
 * `defineRoute(table, contract).handle(handler)`: two calls, so that the contract's type is fixed before the handler
 * is checked against it (in one generic call TypeScript widens the handler's literals, e.g. `object: 'list'`).
 */
export function defineRoute<C extends RouteContract>(
  table: RouteTable,
  contract: C,
): { handle(handler: RouteHandler<C>, options?: RouteOptions): void } {
  return {
    handle: (handler, options = {}) =>
      table.routes.get(surfaceOf(contract.url))?.push((surface) => registerRoute(surface, contract, handler, options)),
  };
}

function registerRoute<C extends RouteContract>(
  app: FastifyInstance,
  contract: C,
  handler: RouteHandler<C>,
  options: RouteOptions,
): void {
  const status = contract.responses[0].status;
  app.route({
    method: contract.method,
    url: contract.url,
    config: { auth: contract.auth, contract },
    ...(contract.bodyLimit === undefined ? {} : { bodyLimit: contract.bodyLimit }),
    handler: async (request, reply) => {
      options.before?.(request);
      const caller = callerOf<C['auth']>(request, contract.auth);
      const body =
        contract.body && parseRequest(contract.body, contract.bodyOptional ? (request.body ?? {}) : request.body);
      const query = contract.query && parseRequest(contract.query, request.query ?? {});
      if (status !== 200) void reply.code(status);
      return handler({
        request,
        reply,
        caller,
        params: pathParams<C['url']>(request),
        // The contract's own schemas parsed them: their output is what BodyParsed and QueryParsed name.
        body: body as BodyParsed<C>,
        query: query as QueryParsed<C>,
      });
    },
  });
}
