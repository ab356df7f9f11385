// A typed client of the market's HTTP API, derived from the same route contracts the server registers: one method
// per route, its input typed by the request schemas and its answer parsed by the response schema. It uses only
// `fetch`, so it runs in node (the CLI, tests) and in the browser (the console).
import { adminRoutes } from '../contracts/routes/admin-routes.ts';
import { governanceRoutes } from '../contracts/routes/governance-routes.ts';
import { hostRoutes } from '../contracts/routes/host-routes.ts';
import { consoleRoutes, systemRoutes } from '../contracts/routes/public-routes.ts';
import { v1Routes } from '../contracts/routes/v1-routes.ts';
import {
  isJsonResponse,
  type BodyInput,
  type PathParams,
  type QueryInput,
  type ResponseOf,
  type RouteContract,
} from '../contracts/http/route-contract.ts';
import { MarketApiError } from './market-api-error.ts';

export type MarketClientOptions = {
  /** the market's address, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** an API key, the operator key or a host token, sent as a bearer token */
  token?: string;
  /** headers computed per request (the console's CSRF token) */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch;
};

type Params<C extends RouteContract> = keyof PathParams<C['url']> extends never
  ? object
  : { params: PathParams<C['url']> };
type Body<C extends RouteContract> =
  BodyInput<C> extends undefined
    ? object
    : C extends { bodyOptional: true }
      ? { body?: BodyInput<C> }
      : { body: BodyInput<C> };
type Query<C extends RouteContract> = QueryInput<C> extends undefined ? object : { query?: QueryInput<C> };
/** What a call takes: path parameters, body and query as the contract declares them, and extra headers. */
export type CallInput<C extends RouteContract> = Params<C> & Body<C> & Query<C> & { headers?: Record<string, string> };

type Call<C extends RouteContract> =
  object extends CallInput<C>
    ? (input?: CallInput<C>) => Promise<ResponseOf<C>>
    : (input: CallInput<C>) => Promise<ResponseOf<C>>;
export type RoutesClient<Routes extends Record<string, RouteContract>> = { [K in keyof Routes]: Call<Routes[K]> };

type LooseInput = {
  params?: Record<string, string>;
  body?: unknown;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
};

function urlOf(baseUrl: string, contract: RouteContract, input: LooseInput): string {
  const path = contract.url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(input.params?.[name] ?? ''));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input.query ?? {}))
    if (value !== undefined && value !== null) query.set(name, String(value));
  const search = query.size > 0 ? `?${query}` : '';
  return `${baseUrl.replace(/\/+$/, '')}${path}${search}`;
}

/** Sends one request as the contract describes it; answers are returned raw (for CSV, HTML and streams). */
export async function sendRequest(
  options: MarketClientOptions,
  contract: RouteContract,
  input: LooseInput = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers?.(),
    ...input.headers,
  };
  return (options.fetch ?? fetch)(urlOf(options.baseUrl, contract, input), {
    method: contract.method,
    headers,
    ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
  });
}

const parseLeniently = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Calls a route and parses its JSON answer with the contract's schema; a refusal throws a MarketApiError. */
export async function callRoute<C extends RouteContract>(
  options: MarketClientOptions,
  contract: C,
  input: LooseInput = {},
): Promise<ResponseOf<C>> {
  const response = await sendRequest(options, contract, input);
  const text = await response.text();
  // A refusal from something in front of the market (a proxy's HTML page) is still a refusal with its status.
  if (!response.ok) throw MarketApiError.fromAnswer(response.status, parseLeniently(text));
  const json: unknown = text === '' ? undefined : JSON.parse(text);
  const spec = contract.responses.filter(isJsonResponse).find((r) => r.status === response.status);
  if (!spec) return json as ResponseOf<C>;
  return spec.json.parse(json) as ResponseOf<C>;
}

function routesClient<Routes extends Record<string, RouteContract>>(
  options: MarketClientOptions,
  routes: Routes,
): RoutesClient<Routes> {
  const entries = Object.entries(routes).map(([name, contract]) => [
    name,
    (input?: LooseInput) => callRoute(options, contract, input),
  ]);
  return Object.fromEntries(entries) as RoutesClient<Routes>;
}

/**
 * @example
 * const market = createMarketClient({ baseUrl: 'http://127.0.0.1:8080', token: operatorKey });
 * const { data } = await market.admin.listAccounts();
 */
export function createMarketClient(options: MarketClientOptions) {
  return {
    v1: routesClient(options, v1Routes),
    admin: routesClient(options, adminRoutes),
    hosts: routesClient(options, hostRoutes),
    console: routesClient(options, consoleRoutes),
    system: routesClient(options, systemRoutes),
    governance: routesClient(options, governanceRoutes),
  };
}
export type MarketClient = ReturnType<typeof createMarketClient>;
