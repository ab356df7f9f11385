// A route as a contract: method, path, who may call it, the request it reads and every response it can give. The
// server registers handlers only through these (adapters/http/market/define-route.ts), /openapi.json is rendered
// from the ones registered, and the SDK derives its methods and response parsing from the same objects.
import type { z } from 'zod';

/**
 * Who may call a route. `session`: the route acts on the console session its cookie names, if any (it reads or ends
 * that session, never a key's account), and a state-changing call through a live session needs its CSRF token.
 */
export type RouteAuth = 'public' | 'session' | 'buyer' | 'operator' | 'host';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A JSON answer and its schema. */
export type JsonResponse = { status: number; json: z.ZodType; description?: string };
/** Any other answer: HTML, CSV, text, a redirect, no body — or server-sent events, each `data:` line an `events`. */
export type OtherResponse = { status: number; description: string; contentType?: string; events?: z.ZodType };
export type ResponseSpec = JsonResponse | OtherResponse;

export type RouteContract = {
  method: HttpMethod;
  /** Fastify's path syntax: `/v1/keys/:id/revoke` */
  url: string;
  auth: RouteAuth;
  summary: string;
  body?: z.ZodType;
  /** the body may be left out; the route then reads it as `{}` */
  bodyOptional?: boolean;
  /** bytes, when a route takes more than the server's default (a model's tokenizer) */
  bodyLimit?: number;
  query?: z.ZodType;
  /** request headers the route reads, documented by name */
  headers?: Readonly<Record<string, string>>;
  /** the first one is the usual answer; refusals are the error catalog's (docs/errors.md) */
  responses: readonly [ResponseSpec, ...ResponseSpec[]];
};

/** @example export const listKeys = defineContract({ method: 'GET', url: '/v1/keys', auth: 'buyer', … }); */
export const defineContract = <const C extends RouteContract>(contract: C): C => contract;

/** The `:name` segments of a path, as an object of strings. */
export type PathParams<Url extends string> = Url extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : Url extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, string>;

type SchemaOf<C, Field extends 'body' | 'query'> = C extends { [F in Field]: infer S extends z.ZodType } ? S : never;

/** What a client sends (amounts as decimal strings), and what the server reads after parsing (amounts as nanos). */
export type BodyInput<C> = [SchemaOf<C, 'body'>] extends [never] ? undefined : z.input<SchemaOf<C, 'body'>>;
export type BodyParsed<C> = [SchemaOf<C, 'body'>] extends [never] ? undefined : z.output<SchemaOf<C, 'body'>>;
export type QueryInput<C> = [SchemaOf<C, 'query'>] extends [never] ? undefined : z.input<SchemaOf<C, 'query'>>;
export type QueryParsed<C> = [SchemaOf<C, 'query'>] extends [never] ? undefined : z.output<SchemaOf<C, 'query'>>;

type JsonSchemaOf<C extends RouteContract> = Extract<C['responses'][number], JsonResponse>['json'];
/** The JSON body a route answers with (a union when it has several). */
export type ResponseOf<C extends RouteContract> = z.output<JsonSchemaOf<C>>;
/** What a handler may return for it: the schema's input side (the same for the plain response schemas). */
export type ResponseInput<C extends RouteContract> = z.input<JsonSchemaOf<C>>;

export const isJsonResponse = (spec: ResponseSpec): spec is JsonResponse => 'json' in spec;
