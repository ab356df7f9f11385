// The /v1/responses request body: the part of OpenAI's Responses API (the shape `client.responses.create` sends) that
// the market serves on its chat path — text or item input (messages, function calls and their outputs),
// `instructions`, function tools, text formats, sampling, streaming, and `store` / `previous_response_id` — plus
// Agora's `provider` preferences and routing `trace`. Unknown keys are a 400, never silently dropped.
import { z } from 'zod';
import { providerPreferencesSchema } from './provider-preferences.ts';
import { REQUEST_LIMITS } from './request-limits.ts';
import { jsonSchemaDocument, toolChoiceSchema } from './tools.ts';

const inputText = z.strictObject({ type: z.literal('input_text'), text: z.string() });
/** What an earlier answer said, as a client passes it back (annotations and logprobs are read and not used). */
const outputText = z.object({ type: z.literal('output_text'), text: z.string() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });
/** Images, files and audio: passed to the chat path as their chat parts, which refuses what the model cannot read. */
const inputImage = z.strictObject({
  type: z.literal('input_image'),
  image_url: z.string().nullable().optional(),
  file_id: z.string().nullable().optional(),
  detail: z.enum(['low', 'high', 'auto']).optional(),
});
const inputFile = z.strictObject({
  type: z.literal('input_file'),
  file_data: z.string().optional(),
  file_id: z.string().nullable().optional(),
  file_url: z.string().optional(),
  filename: z.string().optional(),
});
const contentPart = z.discriminatedUnion('type', [inputText, outputText, refusal, inputImage, inputFile]);

/** A message: OpenAI's "easy" input message (no `type`), an input message, or an earlier output message. */
const messageItem = z.object({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPart).max(REQUEST_LIMITS.maxMessages)]),
  id: z.string().optional(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
  phase: z.string().nullable().optional(),
});

/** A call the model made earlier; `call_id` ties it to its output. */
const functionCallItem = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1).max(256),
  name: z.string().min(1).max(256),
  arguments: z.string(),
  id: z.string().optional(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
});

/** What the buyer's code answered to a call. */
const functionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1).max(256),
  output: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile]))]),
  id: z.string().nullable().optional(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).nullable().optional(),
});

export const responseInputItemSchema = z.discriminatedUnion('type', [
  messageItem,
  functionCallItem,
  functionCallOutputItem,
]);

/** A function tool in the Responses shape: flat, where chat nests it under `function`. */
const functionToolSchema = z.strictObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes'),
  description: z.string().nullable().optional(),
  parameters: jsonSchemaDocument.nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

const responsesToolChoice = z.union([
  toolChoiceSchema.options[0],
  z.strictObject({ type: z.literal('function'), name: functionToolSchema.shape.name }),
]);

const textFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: functionToolSchema.shape.name,
    schema: jsonSchemaDocument,
    description: z.string().optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

export const responseCreateRequestSchema = z.strictObject({
  model: z.string().min(1).max(256),
  input: z.union([z.string(), z.array(responseInputItemSchema).min(1).max(REQUEST_LIMITS.maxMessages)]),
  instructions: z.string().nullable().optional(),
  max_output_tokens: z.int().min(1).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  tools: z.array(functionToolSchema).max(REQUEST_LIMITS.maxTools).optional(),
  tool_choice: responsesToolChoice.optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  text: z.strictObject({ format: textFormat.optional() }).optional(),
  stream: z.boolean().nullable().optional(),
  /** Agora keeps nothing unless asked: `store` defaults to false (OpenAI's default is true; decision 025). */
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().min(1).max(256).nullable().optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  user: z.string().max(256).optional(),
  provider: providerPreferencesSchema.optional(),
  /** Agora extension: `true` asks for the routing trace (as the `X-Agora-Trace: 1` header does); never sent to a host. */
  trace: z.boolean().nullable().optional(),
});

export type ResponseCreateRequest = z.infer<typeof responseCreateRequestSchema>;
export type ResponseInputItem = z.infer<typeof responseInputItemSchema>;
export type ResponseFunctionTool = z.infer<typeof functionToolSchema>;
