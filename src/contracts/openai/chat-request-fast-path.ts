// The chat request body's common shape, checked by hand: every paid chat request is validated, and the zod schema
// (completion-request.ts) runs each of its ~35 fields' parsers on every body, fields absent included. A body of the
// common shape — the usual sampling parameters and messages with string content — is read here in one pass into what
// the schema would give (the same fields, in the schema's order); anything else (tools, content parts, provider
// preferences, an invalid value) is left to the schema, so every error still comes from it, worded as before.
import { chatCompletionRequestSchema, chatMessageSchema, type ChatCompletionRequest } from './completion-request.ts';
import { REQUEST_LIMITS } from './request-limits.ts';

type Check = (value: unknown) => boolean;

const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
/** `z.int()`: a safe integer, here within bounds */
const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
/** `z.number()` within bounds (JSON has no NaN or Infinity) */
const number =
  (min: number, max: number): Check =>
  (value) =>
    typeof value === 'number' && value >= min && value <= max;
const string =
  (min: number, max = Infinity): Check =>
  (value) =>
    typeof value === 'string' && value.length >= min && value.length <= max;
const boolean: Check = (value) => typeof value === 'boolean';
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const streamOptions: Check = (value) => {
  if (!isRecord(value)) return false;
  for (const key in value) if (key !== 'include_usage' || !boolean(value[key])) return false;
  return true;
};

/** The top-level fields read here and what the schema asks of each (a `stop` list is left to the schema); a Map, so
 * that no key a buyer sends (`constructor`) finds anything inherited. */
const FIELDS = new Map<string, Check>(
  Object.entries({
    model: string(1, 256),
    max_tokens: nullable(integer(1)),
    temperature: nullable(number(0, 2)),
    top_p: nullable((value) => typeof value === 'number' && value > 0 && value <= 1),
    n: nullable(integer(1, REQUEST_LIMITS.maxN)),
    stream: nullable(boolean),
    stream_options: nullable(streamOptions),
    stop: nullable(string(1)),
    seed: nullable(integer(Number.MIN_SAFE_INTEGER)),
    presence_penalty: nullable(number(-2, 2)),
    frequency_penalty: nullable(number(-2, 2)),
    user: string(0, 256),
    max_completion_tokens: nullable(integer(1)),
    logprobs: nullable(boolean),
    top_logprobs: nullable(integer(0, REQUEST_LIMITS.maxTopLogprobs)),
  }),
);

const ROLES = new Set(chatMessageSchema.shape.role.options);
/** A message's fields read here (`tool_calls` and content parts are left to the schema). */
const MESSAGE_FIELDS = new Map<string, Check>(
  Object.entries({
    role: (value) => ROLES.has(value as never),
    content: nullable(string(0)),
    name: string(0, 256),
    tool_call_id: string(0),
    refusal: nullable(string(0)),
  }),
);

/** The schema's output puts fields in its own order, whatever the buyer's: so does this. */
const FIELD_ORDER = Object.keys(chatCompletionRequestSchema.shape);
const MESSAGE_FIELD_ORDER = Object.keys(chatMessageSchema.shape);

function inOrder(value: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (key in value) out[key] = value[key];
  return out;
}

function readMessage(message: unknown): Record<string, unknown> | undefined {
  if (!isRecord(message) || !('role' in message)) return undefined;
  for (const key in message) if (!MESSAGE_FIELDS.get(key)?.(message[key])) return undefined;
  return inOrder(message, MESSAGE_FIELD_ORDER);
}

/**
 * The body as the schema would parse it, when it has the common shape and is valid; undefined otherwise (the
 * schema then decides, and words any error).
 */
export function readCommonChatRequest(body: unknown): ChatCompletionRequest | undefined {
  if (!isRecord(body)) return undefined;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > REQUEST_LIMITS.maxMessages) return undefined;
  for (const key in body) if (key !== 'messages' && !FIELDS.get(key)?.(body[key])) return undefined;
  if (!('model' in body)) return undefined;
  const read: Record<string, unknown>[] = [];
  for (const message of messages) {
    const one = readMessage(message);
    if (!one) return undefined;
    read.push(one);
  }
  const out = inOrder(body, FIELD_ORDER);
  out.messages = read;
  return out as ChatCompletionRequest;
}
