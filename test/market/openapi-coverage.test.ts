// GET /openapi.json documents every route the market serves — each method and path, with the callers it declares —
// and nothing it does not serve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMarket, type TestMarket } from '../support/test-market.ts';

type Operation = { security?: Array<Record<string, unknown>>; requestBody?: unknown };
type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

let market: TestMarket;
let document: OpenApiDocument;
beforeAll(async () => {
  market = await startTestMarket({ builtinHosts: 0 });
  document = (await (await fetch(`${market.url}/openapi.json`)).json()) as OpenApiDocument;
});
afterAll(() => market.stop());

/** Fastify's `:id` is OpenAPI's `{id}`. */
const openApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}');
const SECURITY: Record<string, Array<Record<string, unknown>>> = {
  public: [],
  session: [{ session: [] }],
  buyer: [{ bearer: [] }],
  operator: [{ bearer: [] }],
  host: [{ bearer: [] }],
};

describe('the OpenAPI document and the route table', () => {
  it('documents every registered method and path with the callers the route declares', () => {
    const undocumented = market.routes
      .filter((r) => !document.paths[openApiPath(r.url)]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.url}`);
    expect(undocumented).toEqual([]);
    for (const route of market.routes) {
      const operation = document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      expect(operation?.security, `${route.method} ${route.url} (${route.auth})`).toEqual(SECURITY[route.auth]);
    }
  });

  it('documents no operation the market does not serve', () => {
    const served = new Set(market.routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(documented.filter((operation) => !served.has(operation))).toEqual([]);
  });

  it('declares the security schemes its operations name', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['bearer', 'session']);
  });
});
