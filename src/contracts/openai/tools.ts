// Function tools and structured outputs on /v1/chat/completions, in the OpenAI wire format: the tool definitions a
// buyer sends, how the model may use them (`tool_choice`), the calls an assistant message carries, and the answer
// formats (`response_format`). Whether a JSON Schema inside them compiles is checked by the app, not here.
import { z } from 'zod';
import { REQUEST_LIMITS } from './request-limits.ts';

/** OpenAI's rule for function and schema names. */
const functionName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes');

/** A JSON Schema document, kept as written (the app compiles it). */
export const jsonSchemaDocument = z.record(z.string(), z.unknown());

export const functionToolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: functionName,
    description: z.string().optional(),
    parameters: jsonSchemaDocument.optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: functionName }) }),
]);

/** A call as an assistant message carries it: `arguments` is a JSON string, exactly as the model wrote it. */
export const toolCallSchema = z.object({
  id: z.string().min(1).max(256),
  type: z.literal('function'),
  function: z.object({ name: z.string().max(256), arguments: z.string() }),
});

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: functionName,
      description: z.string().optional(),
      schema: jsonSchemaDocument.optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

export const toolsSchema = z.array(functionToolSchema).min(1).max(REQUEST_LIMITS.maxTools);

export type FunctionTool = z.infer<typeof functionToolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
export type ResponseFormat = z.infer<typeof responseFormatSchema>;
