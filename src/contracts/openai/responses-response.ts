// What /v1/responses answers: the response object (its output items — an assistant message, function calls — and
// its usage in input/output tokens), the typed events of a streamed one (each with its `sequence_number`), and the
// answer to a deletion. Field names and values are OpenAI's, so the official SDK reads them as its own.
import { z } from 'zod';

export const outputTextSchema = z.object({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.unknown()),
  logprobs: z.array(z.unknown()).optional(),
});

const itemStatus = z.enum(['in_progress', 'completed', 'incomplete']);

export const outputMessageSchema = z.object({
  type: z.literal('message'),
  id: z.string(),
  role: z.literal('assistant'),
  status: itemStatus,
  content: z.array(outputTextSchema),
});

export const functionCallOutputSchema = z.object({
  type: z.literal('function_call'),
  id: z.string(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: itemStatus,
});

export const responseOutputItemSchema = z.discriminatedUnion('type', [outputMessageSchema, functionCallOutputSchema]);

export const responseUsageSchema = z.object({
  input_tokens: z.int(),
  input_tokens_details: z.object({ cached_tokens: z.int() }),
  output_tokens: z.int(),
  output_tokens_details: z.object({ reasoning_tokens: z.int() }),
  total_tokens: z.int(),
});

export const responseObjectSchema = z.object({
  id: z.string(),
  object: z.literal('response'),
  created_at: z.number(),
  completed_at: z.number().nullable(),
  status: z.enum(['in_progress', 'completed', 'incomplete', 'failed']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  incomplete_details: z.object({ reason: z.enum(['max_output_tokens', 'content_filter']) }).nullable(),
  model: z.string(),
  instructions: z.string().nullable(),
  max_output_tokens: z.int().nullable(),
  output: z.array(responseOutputItemSchema),
  parallel_tool_calls: z.boolean(),
  previous_response_id: z.string().nullable(),
  store: z.boolean(),
  temperature: z.number().nullable(),
  top_p: z.number().nullable(),
  tool_choice: z.unknown(),
  tools: z.array(z.unknown()),
  text: z.object({ format: z.unknown() }),
  truncation: z.literal('disabled'),
  metadata: z.record(z.string(), z.string()),
  usage: responseUsageSchema.nullable(),
  user: z.string().nullable(),
});

export const deletedResponseSchema = z.object({
  id: z.string(),
  object: z.literal('response'),
  deleted: z.literal(true),
});

const sequenced = { sequence_number: z.int() };
const atItem = { ...sequenced, output_index: z.int(), item_id: z.string() };

/** One event of a streamed response: its `type` is also the SSE `event:` name. */
export const responseStreamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['response.created', 'response.in_progress', 'response.completed', 'response.incomplete']),
    response: responseObjectSchema,
    ...sequenced,
  }),
  z.object({ type: z.literal('response.failed'), response: responseObjectSchema, ...sequenced }),
  z.object({
    type: z.enum(['response.output_item.added', 'response.output_item.done']),
    output_index: z.int(),
    item: responseOutputItemSchema,
    ...sequenced,
  }),
  z.object({
    type: z.enum(['response.content_part.added', 'response.content_part.done']),
    content_index: z.int(),
    part: outputTextSchema,
    ...atItem,
  }),
  z.object({
    type: z.literal('response.output_text.delta'),
    content_index: z.int(),
    delta: z.string(),
    logprobs: z.array(z.unknown()),
    ...atItem,
  }),
  z.object({
    type: z.literal('response.output_text.done'),
    content_index: z.int(),
    text: z.string(),
    logprobs: z.array(z.unknown()),
    ...atItem,
  }),
  z.object({ type: z.literal('response.function_call_arguments.delta'), delta: z.string(), ...atItem }),
  z.object({
    type: z.literal('response.function_call_arguments.done'),
    name: z.string(),
    arguments: z.string(),
    ...atItem,
  }),
  z.object({
    type: z.literal('error'),
    code: z.string().nullable(),
    message: z.string(),
    param: z.string().nullable(),
    ...sequenced,
  }),
]);

export type ResponseObject = z.infer<typeof responseObjectSchema>;
export type ResponseOutputItem = z.infer<typeof responseOutputItemSchema>;
export type ResponseUsage = z.infer<typeof responseUsageSchema>;
export type ResponseStreamEvent = z.infer<typeof responseStreamEventSchema>;
