// The built-in engine's own HTTP surface in the OpenAI wire format — what the market forwards requests to.
// Logprob entries carry token ids (as llama-server's do) so the market can meter and verify exact tokens. With n > 1
// it generates the choices one after another, each sampled with its own seed (domain/sampling/choice-seeds.ts);
// a stream sends each choice's chunks, by its index, before the next choice's.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ApiError, invalidRequest } from '../../../contracts/openai/error-envelope.ts';
import {
  chatCompletionRequestSchema,
  completionRequestSchema,
  type ChatCompletionRequest,
} from '../../../contracts/openai/completion-request.ts';
import { chatTemplateMessages } from '../../../app/v1/prompt-metering.ts';
import { constrainedChoice, constrainedEvents, constrainedPlan, type ConstrainedPlan } from './engine-constrained.ts';
import { embeddingInputs, embeddingRequestSchema } from '../../../contracts/openai/embedding-request.ts';
import { encodeEmbedding } from '../../../app/v1/embedding-encoding.ts';
import { shorten } from '../../../domain/embeddings/vectors.ts';
import { REQUEST_LIMITS } from '../../../contracts/openai/request-limits.ts';
import { EngineBusyError } from '../../engines/builtin/sequence-pool.ts';
import { choiceSeeds } from '../../../domain/sampling/choice-seeds.ts';
import type { GenerateRequest, LlamaEngine } from '../../engines/builtin/llama-engine.ts';
import { installOpenAiErrorHandler } from '../openai/install-error-handler.ts';
import { installProtocolGuards, openAiServerOptions } from '../openai/protocol-errors.ts';
import { requireForwardSecret } from './forward-secret.ts';
import { signResponses } from './response-signing.ts';
import { parseRequest } from '../openai/parse-request.ts';
import { choiceEvents, streamEngineEvents } from './engine-stream.ts';
import {
  chatPromptIds,
  collectGeneration,
  completionPromptIds,
  generationSettings,
  logprobEntry,
} from './engine-completion.ts';

/** A full queue answers 503 with Retry-After (the market tries another host); any other error stays as it is. */
function busyAsUnavailable(error: unknown): unknown {
  return error instanceof EngineBusyError
    ? new ApiError(503, 'service_unavailable', error.message, 'engine_busy', null, { 'retry-after': '1' })
    : error;
}

export type EngineServerOptions = {
  engine: LlamaEngine;
  modelId: string;
  /** the id it serves embeddings under (the same weights), when it does */
  embeddingModelId?: string;
  sha256: string;
  quantization: string;
  /** a host agent's forward secret: /v1 requests without it are refused, so no one uses the host for free */
  requireBearer?: string;
  /** a host agent's key: every answer to the market gets a signed receipt */
  sign?: (text: string) => string;
};

type Shape = {
  object: string;
  chunkObject: string;
  choice(index: number, text: string, logprobs: unknown, finishReason: string | null): object;
  chunkChoice(
    index: number,
    text: string | null,
    logprobs: unknown,
    finishReason: string | null,
    first: boolean,
  ): object;
  logprobs(entries: ReturnType<typeof logprobEntry>[]): unknown;
};

const chatShape: Shape = {
  object: 'chat.completion',
  chunkObject: 'chat.completion.chunk',
  choice: (index, text, logprobs, finish_reason) => ({
    index,
    message: { role: 'assistant', content: text, refusal: null },
    logprobs,
    finish_reason,
  }),
  chunkChoice: (index, text, logprobs, finish_reason, first) => ({
    index,
    delta: finish_reason ? {} : first ? { role: 'assistant', content: text ?? '' } : { content: text ?? '' },
    logprobs,
    finish_reason,
  }),
  logprobs: (entries) => ({ content: entries, refusal: null }),
};

const completionShape: Shape = {
  object: 'text_completion',
  chunkObject: 'text_completion',
  choice: (index, text, logprobs, finish_reason) => ({ index, text, logprobs, finish_reason }),
  chunkChoice: (index, text, logprobs, finish_reason) => ({ index, text: text ?? '', logprobs, finish_reason }),
  logprobs: (entries) => ({
    tokens: entries.map((e) => e.token),
    token_ids: entries.map((e) => e.id),
    token_logprobs: entries.map((e) => e.logprob),
    top_logprobs: entries.map((e) => Object.fromEntries(e.top_logprobs.map((t) => [t.token, t.logprob]))),
    top_logprobs_ids: entries.map((e) => e.top_logprobs.map((t) => ({ id: t.id, logprob: t.logprob }))),
  }),
};

export function buildEngineServer(options: EngineServerOptions): FastifyInstance {
  const { engine, modelId } = options;
  const app = Fastify({ logger: false, bodyLimit: REQUEST_LIMITS.maxBodyBytes, ...openAiServerOptions });
  installOpenAiErrorHandler(app);
  installProtocolGuards(app);
  if (options.requireBearer !== undefined) requireForwardSecret(app, options.requireBearer);
  const signer = options.sign ? signResponses(app, options.sign) : undefined;

  const run = async (
    request: FastifyRequest,
    reply: FastifyReply,
    shape: Shape,
    prepare: (signal: AbortSignal) => {
      settings: GenerateRequest;
      logprobsK: number | null;
      includeUsage: boolean;
      stream: boolean;
      choiceCount: number;
    },
  ) => {
    const abort = new AbortController();
    // The request's own 'close' fires once its body is read; only the response closing early means the client left.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    const { settings, logprobsK, includeUsage, stream, choiceCount } = prepare(abort.signal);
    const choices = choiceSeeds(settings.seed, choiceCount).map((seed) => ({ ...settings, seed }));
    const id = `${shape === chatShape ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const envelope = {
      id,
      object: shape.object,
      created,
      model: modelId,
      system_fingerprint: options.sha256.slice(0, 16),
    };
    const usage = (completion: number) => ({
      prompt_tokens: settings.promptIds.length,
      completion_tokens: completion,
      total_tokens: settings.promptIds.length + completion,
    });
    try {
      if (!stream) {
        let completion = 0;
        const answered: object[] = [];
        for (const [index, choiceSettings] of choices.entries()) {
          const result = await collectGeneration(engine, choiceSettings);
          const logprobs =
            logprobsK === null ? null : shape.logprobs(result.tokens.map((t) => logprobEntry(engine, t, logprobsK)));
          answered.push(shape.choice(index, result.text, logprobs, result.finishReason));
          completion += result.tokens.length;
        }
        return { ...envelope, choices: answered, usage: usage(completion) };
      }
      const chunk = { ...envelope, object: shape.chunkObject };
      let completion = 0;
      let started = -1;
      const events = choiceEvents(choices, (choiceSettings) => engine.generate(choiceSettings));
      return await streamEngineEvents(request, reply, signer?.stream(request), events, {
        event(sse, { index, event }) {
          if (event.type === 'finish') {
            sse.send({ ...chunk, choices: [shape.chunkChoice(index, null, null, event.reason, false)] });
            return;
          }
          const text = event.type === 'token' ? event.token.text : event.text;
          const logprobs =
            event.type === 'token' && logprobsK !== null
              ? shape.logprobs([logprobEntry(engine, event.token, logprobsK)])
              : null;
          if (event.type === 'token') completion++;
          sse.send({ ...chunk, choices: [shape.chunkChoice(index, text, logprobs, null, started !== index)] });
          started = index;
        },
        close(sse) {
          if (includeUsage) sse.send({ ...chunk, choices: [], usage: usage(completion) });
        },
      });
    } catch (error) {
      throw busyAsUnavailable(error);
    }
  };

  /** A grammar-constrained chat answer (engine-constrained.ts), as JSON or as a stream of deltas. */
  const runConstrained = async (
    request: FastifyRequest,
    reply: FastifyReply,
    body: ChatCompletionRequest,
    plan: ConstrainedPlan,
  ) => {
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    const promptIds = chatPromptIds(engine, body);
    const settings = generationSettings(engine, promptIds, body, 1, abort.signal);
    const promptText = engine.renderChat(chatTemplateMessages(body));
    // Token ids without logprobs (the grammar changed the distribution): what the market counts content by.
    const contentLogprobs = (ids: number[]) =>
      body.logprobs
        ? {
            content: ids.map((id) => ({
              token: engine.detokenize([id]),
              id,
              logprob: null,
              bytes: [...engine.tokenBytes(id)],
              top_logprobs: [],
            })),
            refusal: null,
          }
        : null;
    const envelope = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      system_fingerprint: options.sha256.slice(0, 16),
    };
    const usage = (completion: number) => ({
      prompt_tokens: promptIds.length,
      completion_tokens: completion,
      total_tokens: promptIds.length + completion,
    });
    const choices = choiceSeeds(settings.seed, body.n ?? 1).map((seed) => ({ ...settings, seed }));
    const generate = (choiceSettings: GenerateRequest) => constrainedEvents(engine, plan, promptText, choiceSettings);
    try {
      if (body.stream !== true) {
        let completion = 0;
        const answered: object[] = [];
        for (const [index, choiceSettings] of choices.entries()) {
          const { choice, completionTokens, contentIds } = await constrainedChoice(generate(choiceSettings), index);
          if (choice.message.content !== null) choice.logprobs = contentLogprobs(contentIds);
          answered.push(choice);
          completion += completionTokens;
        }
        return { ...envelope, object: 'chat.completion', choices: answered, usage: usage(completion) };
      }
      const chunk = (choice: number, delta: object, finish: string | null = null, logprobs: unknown = null) => ({
        ...envelope,
        object: 'chat.completion.chunk',
        choices: [{ index: choice, delta, logprobs, finish_reason: finish }],
      });
      const opening = { role: 'assistant', content: plan.kind === 'content' ? '' : null };
      let opened = -1;
      let call = -1;
      let completion = 0;
      return await streamEngineEvents(request, reply, signer?.stream(request), choiceEvents(choices, generate), {
        event(sse, { index: choice, event }) {
          // each choice opens with the assistant's role, its calls numbered from 0
          if (opened !== choice) {
            sse.send(chunk(choice, opening));
            opened = choice;
            call = -1;
          }
          if (event.type === 'call') {
            call = event.index;
            const made = { index: call, id: event.id, type: 'function', function: { name: event.name, arguments: '' } };
            sse.send(chunk(choice, { tool_calls: [made] }));
          } else if (event.type === 'text') {
            if (call !== -1)
              sse.send(chunk(choice, { tool_calls: [{ index: call, function: { arguments: event.text } }] }));
            else sse.send(chunk(choice, { content: event.text }, null, contentLogprobs(event.ids)));
          } else {
            sse.send(chunk(choice, {}, event.reason));
            completion += event.completionTokens;
          }
        },
        close(sse) {
          if (body.stream_options?.include_usage === true)
            sse.send({ ...envelope, object: 'chat.completion.chunk', choices: [], usage: usage(completion) });
        },
      });
    } catch (error) {
      throw busyAsUnavailable(error);
    }
  };

  app.post('/v1/chat/completions', async (request, reply) => {
    const body = parseRequest(chatCompletionRequestSchema, request.body);
    const plan = constrainedPlan(body);
    if (plan) return runConstrained(request, reply, body, plan);
    return run(request, reply, chatShape, (signal) => {
      const k = body.logprobs ? (body.top_logprobs ?? 0) : null;
      return {
        settings: generationSettings(engine, chatPromptIds(engine, body), body, k ?? 1, signal),
        logprobsK: k,
        includeUsage: body.stream_options?.include_usage === true,
        stream: body.stream === true,
        choiceCount: body.n ?? 1,
      };
    });
  });

  app.post('/v1/completions', async (request, reply) => {
    const body = parseRequest(completionRequestSchema, request.body);
    return run(request, reply, completionShape, (signal) => ({
      settings: generationSettings(engine, completionPromptIds(engine, body), body, body.logprobs ?? 1, signal),
      logprobsK: body.logprobs ?? null,
      includeUsage: body.stream_options?.include_usage === true,
      stream: body.stream === true,
      choiceCount: body.n ?? 1,
    }));
  });

  if (options.embeddingModelId !== undefined)
    app.post('/v1/embeddings', async (request) => {
      const body = parseRequest(embeddingRequestSchema, request.body);
      const inputs = embeddingInputs(body.input).map((item, i) => {
        const ids = typeof item === 'string' ? engine.tokenize(item) : item;
        if (ids.some((id) => id >= engine.vocabularySize))
          throw invalidRequest(`input[${i}] has a token id outside the vocabulary.`, 'input', 'invalid_value');
        if (ids.length === 0 || ids.length >= engine.contextLength)
          throw invalidRequest(
            `input[${i}] has ${ids.length} tokens; this model embeds 1 to ${engine.contextLength - 1}.`,
            'input',
            'context_length_exceeded',
          );
        return ids;
      });
      const vectors: number[][] = [];
      // One at a time: the engine's embedding context evaluates one input per pass.
      for (const ids of inputs) vectors.push(await engine.embed(ids));
      const tokens = inputs.reduce((n, ids) => n + ids.length, 0);
      return {
        object: 'list',
        data: vectors.map((vector, index) => ({
          object: 'embedding',
          index,
          embedding: encodeEmbedding(
            body.dimensions === undefined ? vector : shorten(vector, body.dimensions),
            body.encoding_format ?? 'float',
          ),
        })),
        model: options.embeddingModelId,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      };
    });

  const modelCard = (id: string) => ({
    id,
    object: 'model',
    created: 0,
    owned_by: 'agora',
    context_length: engine.contextLength,
    sku: { model: modelId, digest: `sha256:${options.sha256}`, quantization: options.quantization },
  });
  const served = [modelId, ...(options.embeddingModelId === undefined ? [] : [options.embeddingModelId])];
  app.get('/v1/models', async () => ({ object: 'list', data: served.map(modelCard) }));
  app.get('/health', async () => ({ status: 'ok', model: modelId }));
  return app;
}
