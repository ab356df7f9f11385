// GET /openapi.json documents every route the market serves — each method and path, with the callers it declares and
// the answers it gives (a schema for every JSON answer, a content type for every other one) — and nothing it does not
// serve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMarket, type TestMarket } from '../support/test-market.ts';

type Response = { content?: Record<string, { schema?: unknown }> };
type Operation = {
  security?: Array<Record<string, unknown>>;
  requestBody?: unknown;
  responses?: Record<string, Response>;
};
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

  it('gives every registered route a response: a schema per media type, or a status that has no body', () => {
    const undescribed = market.routes.filter((route) => {
      const answers = Object.entries(
        document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]?.responses ?? {},
      );
      const successes = answers.filter(([status]) => status.startsWith('2') || status.startsWith('3'));
      const described = ([status, answer]: [string, Response]) =>
        status === '204' || status.startsWith('3')
          ? answer.content === undefined
          : Object.values(answer.content ?? {}).length > 0 &&
            Object.values(answer.content ?? {}).every((media) => media.schema !== undefined);
      return successes.length === 0 || !successes.every(described);
    });
    expect(undescribed.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('declares the security schemes its operations name', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['bearer', 'session']);
  });
});
