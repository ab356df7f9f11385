// The /v1/chat/completions and /v1/completions request bodies: the OpenAI parameters, Agora's documented
// extensions (`usage`, `provider`, `trace`), and nothing else — unknown keys are a 400, never silently dropped.
import { z } from 'zod';
import { providerPreferencesSchema } from './provider-preferences.ts';
import { REQUEST_LIMITS } from './request-limits.ts';
import { responseFormatSchema, toolCallSchema, toolChoiceSchema, toolsSchema } from './tools.ts';

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const otherPart = z.object({ type: z.enum(['image_url', 'input_audio', 'file']) }).loose();

const messageContent = z.union([z.string(), z.array(z.union([textPart, otherPart])).min(1)]);

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: messageContent.nullable().optional(),
  name: z.string().max(256).optional(),
  tool_calls: z.array(toolCallSchema).max(REQUEST_LIMITS.maxTools).optional(),
  tool_call_id: z.string().optional(),
  refusal: z.string().nullable().optional(),
});

const stop = z.union([z.string().min(1), z.array(z.string().min(1)).max(REQUEST_LIMITS.maxStopSequences)]).nullable();

/** Agora extension (OpenRouter style): `"usage": {"include": true}` adds the billed `cost` to the usage block. */
export const usageOption = z.strictObject({ include: z.boolean().optional() });

const sharedParameters = {
  model: z.string().min(1).max(256),
  max_tokens: z.int().min(1).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  /** choices to generate: the prompt is billed once, every choice's completion tokens (as OpenAI bills) */
  n: z
    .int()
    .min(1)
    .max(
      REQUEST_LIMITS.maxN,
      `at most ${REQUEST_LIMITS.maxN} choices per request: send n from 1 to ${REQUEST_LIMITS.maxN}`,
    )
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  stop: stop.optional(),
  seed: z.int().nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullable().optional(),
  user: z.string().max(256).optional(),
  usage: usageOption.optional(),
  provider: providerPreferencesSchema.optional(),
  /** Agora extension: `true` asks for the routing trace (as the `X-Agora-Trace: 1` header does); never sent to a host. */
  trace: z.boolean().nullable().optional(),
};

export const chatCompletionRequestSchema = z.strictObject({
  ...sharedParameters,
  messages: z.array(chatMessageSchema).min(1).max(REQUEST_LIMITS.maxMessages),
  max_completion_tokens: z.int().min(1).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.int().min(0).max(REQUEST_LIMITS.maxTopLogprobs).nullable().optional(),
  tools: toolsSchema.optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.optional(),
  reasoning_effort: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  store: z.boolean().nullable().optional(),
  service_tier: z.string().nullable().optional(),
  modalities: z.array(z.string()).nullable().optional(),
});

export const completionRequestSchema = z.strictObject({
  ...sharedParameters,
  prompt: z.union([z.string(), z.array(z.string()).length(1)]),
  logprobs: z.int().min(0).max(5).nullable().optional(),
  echo: z.boolean().nullable().optional(),
  best_of: z.int().min(1).max(1).nullable().optional(),
  suffix: z.string().nullable().optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type CompletionRequest = z.infer<typeof completionRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
