// OpenAPI 3.1 rendered from the contracts of the routes the server actually registered, so the document lists every
// route it serves — with its callers, request and response schemas — and nothing else.
import { z } from 'zod';
import { isJsonResponse, type ResponseSpec, type RouteContract } from './http/route-contract.ts';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' });

// Who may call each operation, as the route declares it: a bearer key or host token (a console session's cookie
// stands in for it), the console session alone, or anyone.
const SECURITY = {
  public: [],
  session: [{ session: [] }],
  buyer: [{ bearer: [] }],
  operator: [{ bearer: [] }],
  host: [{ bearer: [] }],
} as const;

const ERROR_BODY = {
  description: 'a refusal in the OpenAI error envelope; the codes are listed in docs/errors.md',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              message: { type: 'string' },
              type: { type: 'string' },
              param: { type: ['string', 'null'] },
              code: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
  },
};

/** The media type of one answer; server-sent events carry the schema of each `data:` line as `x-event-schema`. */
function mediaType(spec: ResponseSpec): [string, object] | undefined {
  if (isJsonResponse(spec)) return ['application/json', { schema: jsonSchema(spec.json, 'output') }];
  if (!spec.contentType) return undefined;
  return [
    spec.contentType,
    {
      schema: { type: 'string' },
      ...(spec.events ? { 'x-event-schema': jsonSchema(spec.events, 'output') } : {}),
    },
  ];
}

/** Answers with the same status (JSON or a stream, say) are one response with several media types. */
function responses(contract: RouteContract): Record<string, object> {
  const byStatus = new Map<number, { descriptions: string[]; content: Record<string, object> }>();
  for (const spec of contract.responses) {
    const entry = byStatus.get(spec.status) ?? { descriptions: [], content: {} };
    if (spec.description) entry.descriptions.push(spec.description);
    const media = mediaType(spec);
    if (media) entry.content[media[0]] = media[1];
    byStatus.set(spec.status, entry);
  }
  const answers = Object.fromEntries(
    [...byStatus].map(([status, { descriptions, content }]) => [
      String(status),
      {
        description: descriptions.join('; ') || 'success',
        ...(Object.keys(content).length > 0 ? { content } : {}),
      },
    ]),
  );
  return { ...answers, default: ERROR_BODY };
}

function operation(contract: RouteContract): object {
  const query = contract.query && jsonSchema(contract.query, 'input');
  const queryParameters =
    query && 'properties' in query && query.properties
      ? Object.entries(query.properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))
      : [];
  const pathParameters = [...contract.url.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const headerParameters = Object.entries(contract.headers ?? {}).map(([name, description]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
  }));
  const parameters = [...pathParameters, ...queryParameters, ...headerParameters];
  return {
    summary: contract.summary,
    security: SECURITY[contract.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: !contract.bodyOptional,
            content: { 'application/json': { schema: jsonSchema(contract.body, 'input') } },
          },
        }
      : {}),
    responses: responses(contract),
  };
}

/** Fastify's `:id` is OpenAPI's `{id}`. */
const openApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}');

export function buildOpenApiDocument(serverUrl: string, routes: readonly RouteContract[]) {
  const paths: Record<string, Record<string, object>> = {};
  for (const contract of routes) {
    const path = (paths[openApiPath(contract.url)] ??= {});
    path[contract.method.toLowerCase()] = operation(contract);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agora market API',
      version: '0.1.0',
      description: 'OpenAI-compatible inference market. See docs/api.md; error codes in docs/errors.md.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key, the operator key or a host token; a console session cookie stands in for it',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'agora_session',
          description: 'The console session (POST /console/session)',
        },
      },
    },
    paths,
  };
}
