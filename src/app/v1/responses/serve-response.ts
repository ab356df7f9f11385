// POST /v1/responses, served on the chat path: the request becomes a chat request (after the stored conversation it
// continues, when it names one), the paid path admits, routes, bills and verifies it as any chat completion, and its
// answer — JSON or stream — becomes a response object or the Responses stream events. A response is kept, per
// account, only when the buyer asked with `store: true` (decision 025).
import { z } from 'zod';
import { MarketError, marketError } from '../../../contracts/errors/market-error.ts';
import type { ResponseCreateRequest, ResponseInputItem } from '../../../contracts/openai/responses-request.ts';
import type { ResponseObject, ResponseStreamEvent } from '../../../contracts/openai/responses-response.ts';
import type { CancelSignal } from '../../cancellation.ts';
import type { ApiKeyRecord, Clock } from '../../ports.ts';
import type { RoutingTrace } from '../routing-trace.ts';
import type { StreamEvent } from '../paid-path/paid-request.ts';
import { serveCompletion, type ServeCompletionDeps } from '../serve-completion.ts';
import { chatRequestOf, inputItemsOf } from './chat-request-of.ts';
import { ResponseAssembly, responseShell, type ChatDelta, type ChatUsage } from './response-assembly.ts';
import type { ResponseStore } from './response-store.ts';

export type ServeResponseDeps = { serve: ServeCompletionDeps; store: ResponseStore; clock: Clock };

export type ResponseRequest = {
  body: ResponseCreateRequest;
  key: ApiKeyRecord;
  requestId: string;
  signal: CancelSignal;
  trace?: RoutingTrace | undefined;
};

export type ServedResponse =
  | { kind: 'json'; body: ResponseObject }
  | { kind: 'stream'; events: AsyncGenerator<ResponseStreamEvent, void, undefined> };

// The chat path's own answers, read back (it built them: the fields are OpenAI's chat wire format).
const toolCallFragment = z.object({
  index: z.int(),
  id: z.string().optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});
const chatUsage = z.object({
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  total_tokens: z.int(),
  prompt_tokens_details: z.object({ cached_tokens: z.int().optional() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.int().optional() }).nullish(),
});
const chatAnswer = z.object({
  choices: z.array(
    z.object({
      message: z.object({
        content: z.string().nullish(),
        tool_calls: z
          .array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
          .nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: chatUsage,
});
const chatChunk = z.object({
  choices: z.array(
    z.object({
      delta: z.object({ content: z.string().nullish(), tool_calls: z.array(toolCallFragment).nullish() }).optional(),
      finish_reason: z.string().nullish(),
    }),
  ),
});

/** A JSON answer's message, as the one delta that builds the whole output. */
function deltaOfAnswer(answer: z.infer<typeof chatAnswer>): ChatDelta {
  const choice = answer.choices[0];
  if (!choice) return {};
  const { content, tool_calls: calls } = choice.message;
  return {
    content,
    tool_calls: (calls ?? []).map((call, index) => ({ index, id: call.id, function: call.function })),
    finish_reason: choice.finish_reason,
  };
}

function deltaOfChunk(wire: object): ChatDelta {
  const choice = chatChunk.parse(wire).choices[0];
  return { ...choice?.delta, tool_calls: choice?.delta?.tool_calls ?? [], finish_reason: choice?.finish_reason };
}

/** The chat request's parameters by the names this request gave them. */
const PARAM_NAMES: Array<[RegExp, string]> = [
  [/^max_(completion_)?tokens$/, 'max_output_tokens'],
  [/^messages\b.*/, 'input'],
  [/^response_format\b.*/, 'text.format'],
  [/^(tools\.\d+)\.function\.(.*)$/, '$1.$2'],
  [/^tool_choice\.function\.name$/, 'tool_choice.name'],
];
function inResponsesTerms(error: unknown): unknown {
  if (!(error instanceof MarketError) || error.param === null) return error;
  const rule = PARAM_NAMES.find(([pattern]) => pattern.test(error.param as string));
  if (!rule) return error;
  const param = error.param.replace(rule[0], rule[1]);
  return new MarketError(error.code, error.message, { param, retryAfterSeconds: error.retryAfterSeconds });
}

/** The conversation a response continues: the account's stored response, its input and then its output. */
async function history(deps: ServeResponseDeps, request: ResponseRequest): Promise<ResponseInputItem[]> {
  const id = request.body.previous_response_id;
  if (!id) return [];
  const previous = await deps.store.findResponse(request.key.accountId, id);
  if (!previous)
    throw marketError('response_not_found', `Previous response with id '${id}' not found.`, {
      param: 'previous_response_id',
    });
  return [...previous.input, ...previous.response.output];
}

export async function serveResponse(deps: ServeResponseDeps, request: ResponseRequest): Promise<ServedResponse> {
  const { body, key, requestId } = request;
  const earlier = await history(deps, request);
  const createdAtMs = deps.clock.nowMs();
  let served;
  try {
    served = await serveCompletion(deps.serve, {
      kind: 'chat',
      body: chatRequestOf(body, earlier),
      key,
      requestId,
      signal: request.signal,
      trace: request.trace,
    });
  } catch (error) {
    throw inResponsesTerms(error);
  }
  const assembly = new ResponseAssembly(
    responseShell(body, { id: `resp_${requestId}`, createdAtMs, model: body.model }),
    requestId,
  );
  const keep = async () => {
    if (!body.store) return;
    const input = [...earlier, ...inputItemsOf(body.input)];
    await deps.store.saveResponse({
      id: assembly.response.id,
      accountId: key.accountId,
      keyId: key.id,
      createdAtMs,
      input,
      response: assembly.response,
    });
  };
  if (served.kind === 'json') {
    const answer = chatAnswer.parse(served.body);
    assembly.add(deltaOfAnswer(answer));
    assembly.finish(answer.usage, deps.clock.nowMs());
    await keep();
    return { kind: 'json', body: assembly.response };
  }
  return { kind: 'stream', events: relayEvents(served.events, assembly, { keep, clock: deps.clock }) };
}

/** The chat stream's events as the response's: the start, one batch per chunk, then the end (or the failure). */
async function* relayEvents(
  chat: AsyncGenerator<StreamEvent, void, undefined>,
  assembly: ResponseAssembly,
  end: { keep(): Promise<void>; clock: Clock },
): AsyncGenerator<ResponseStreamEvent, void, undefined> {
  yield* assembly.start();
  let usage: ChatUsage | undefined;
  for await (const event of chat) {
    if (event.type === 'delta') yield* assembly.add(deltaOfChunk(event.wire));
    else if (event.type === 'usage') usage = event.usage;
    else if (event.type === 'error') {
      const { code, message, param } = event.wire.error;
      yield* assembly.fail({ code, message, param });
      return;
    } else {
      // chatRequestOf asks every stream for its usage chunk, which the chat path sends before `done`.
      if (!usage) throw new Error('the chat stream ended without the usage chunk it was asked for');
      const events = assembly.finish(usage, end.clock.nowMs());
      await end.keep();
      yield* events;
    }
  }
}
