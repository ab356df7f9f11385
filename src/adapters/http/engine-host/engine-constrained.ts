// The built-in engine's grammar-constrained chat answers: tool calls (arguments decoded under the function's
// JSON-schema grammar, so they always parse and match it) and `response_format` JSON. Which tools are called follows
// domain/tools/tool-choice-rule.ts; the grammar's dialect, domain/tools/grammar-schema.ts. Logprobs are null: the
// grammar changed the distribution the tokens were drawn from, so content's logprob entries carry the token ids
// (what the market counts) with a null logprob.
import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../../../contracts/openai/error-envelope.ts';
import type { ChatCompletionRequest } from '../../../contracts/openai/completion-request.ts';
import { toGrammarSchema } from '../../../domain/tools/grammar-schema.ts';
import { plannedToolCalls } from '../../../domain/tools/tool-choice-rule.ts';
import { toolCallPrefix, toolCallText } from '../../../domain/tools/tool-prompt.ts';
import type { GenerateRequest, LlamaEngine, OutputGrammar } from '../../engines/builtin/llama-engine.ts';

export type ConstrainedPlan =
  | { kind: 'tool_calls'; calls: Array<{ name: string; grammar: OutputGrammar }> }
  | { kind: 'content'; grammar: OutputGrammar };

/** What one constrained answer produces, in order: a call opens, text comes (a call's arguments or the content), it ends. */
export type ConstrainedEvent =
  | { type: 'call'; index: number; id: string; name: string }
  /** `ids`: the tokens that wrote it (none for text held back until the end) */
  | { type: 'text'; text: string; ids: number[] }
  | { type: 'finish'; reason: 'stop' | 'length' | 'tool_calls'; completionTokens: number };

const NO_PARAMETERS = { type: 'object', properties: {} };
/**
 * `json_object` (or a json_schema without a schema): a flat object of a few scalar values. The tiny model would
 * nest and add keys until max_tokens cut it; a bound keeps every answer whole JSON, and any object is valid here.
 */
const ANY_OBJECT: OutputGrammar = {
  type: 'json_schema',
  schema: {
    type: 'object',
    properties: {},
    additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    maxProperties: 4,
  },
};

function grammarOf(schema: Record<string, unknown> | undefined, param: string): OutputGrammar {
  if (schema === undefined) return ANY_OBJECT;
  const translated = toGrammarSchema(schema);
  if (!translated.ok) throw invalidRequest(`${param}: ${translated.message}.`, param, 'unsupported_parameter');
  return { type: 'json_schema', schema: translated.schema };
}

/** How the built-in engine answers this request under a grammar; undefined: in free text. */
export function constrainedPlan(body: ChatCompletionRequest): ConstrainedPlan | undefined {
  const plan = planOf(body);
  // The grammar sampler does not apply these: refused rather than silently dropped.
  const adjusted = (['logit_bias', 'presence_penalty', 'frequency_penalty'] as const).find(
    (param) =>
      body[param] != null &&
      body[param] !== 0 &&
      !(param === 'logit_bias' && Object.keys(body[param] ?? {}).length === 0),
  );
  if (plan && adjusted)
    throw invalidRequest(
      `The built-in engine does not apply '${adjusted}' to grammar-constrained answers (tools, response_format).`,
      adjusted,
      'unsupported_parameter',
    );
  return plan;
}

function planOf(body: ChatCompletionRequest): ConstrainedPlan | undefined {
  const tools = body.tools ?? [];
  const last = body.messages.at(-1);
  const text = typeof last?.content === 'string' ? last.content : (last?.content ?? []).map((p) => p.text).join('');
  const names = plannedToolCalls({
    toolNames: tools.map((t) => t.function.name),
    toolChoice: body.tool_choice,
    parallelToolCalls: body.parallel_tool_calls,
    last: last && { role: last.role, text },
  });
  if (names.length > 0) {
    const calls = names.map((name) => {
      const i = tools.findIndex((t) => t.function.name === name);
      const parameters = tools[i]?.function.parameters ?? NO_PARAMETERS;
      return { name, grammar: grammarOf(parameters, `tools.${i}.function.parameters`) };
    });
    return { kind: 'tool_calls', calls };
  }
  const format = body.response_format;
  if (format?.type === 'json_object') return { kind: 'content', grammar: ANY_OBJECT };
  if (format?.type === 'json_schema')
    return { kind: 'content', grammar: grammarOf(format.json_schema.schema, 'response_format.json_schema.schema') };
  return undefined;
}

/**
 * Runs the plan: each call is generated after the conversation, the calls before it, and its own opening (forced:
 * the name is the rule's choice, not the model's); the calls share the request's token budget.
 */
export async function* constrainedEvents(
  engine: LlamaEngine,
  plan: ConstrainedPlan,
  promptText: string,
  settings: GenerateRequest,
): AsyncGenerator<ConstrainedEvent> {
  let used = 0;
  const generate = async function* (prompt: string, grammar: OutputGrammar) {
    let text = '';
    const run = {
      ...settings,
      promptIds: engine.tokenize(prompt, { special: true }),
      maxTokens: settings.maxTokens - used,
    };
    for await (const event of engine.generateConstrained(run, grammar)) {
      if (event.type === 'finish') return { text, cut: event.reason === 'length' };
      const piece = event.type === 'token' ? event.token.text : event.text;
      if (event.type === 'token') used++;
      text += piece;
      yield { text: piece, ids: event.type === 'token' ? [event.token.id] : [] };
    }
    return { text, cut: false };
  };
  if (plan.kind === 'content') {
    const result = yield* textEvents(generate(promptText, plan.grammar));
    yield { type: 'finish', reason: result.cut ? 'length' : 'stop', completionTokens: used };
    return;
  }
  const made: string[] = [];
  for (const [index, call] of plan.calls.entries()) {
    yield { type: 'call', index, id: `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`, name: call.name };
    const before = [promptText, ...made.map((m) => `${m}\n`)].join('');
    const result = yield* textEvents(generate(`${before}${toolCallPrefix(call.name)}`, call.grammar));
    made.push(toolCallText(call.name, result.text));
    if (result.cut || used >= settings.maxTokens) {
      yield { type: 'finish', reason: 'length', completionTokens: used };
      return;
    }
  }
  yield { type: 'finish', reason: 'tool_calls', completionTokens: used };
}

async function* textEvents(
  pieces: AsyncGenerator<{ text: string; ids: number[] }, { text: string; cut: boolean }>,
): AsyncGenerator<ConstrainedEvent, { text: string; cut: boolean }> {
  for (let next = await pieces.next(); ; next = await pieces.next()) {
    if (next.done) return next.value;
    yield { type: 'text', ...next.value };
  }
}

/** A whole constrained answer as one chat choice (the JSON answer's choice `index`). */
export async function constrainedChoice(events: AsyncGenerator<ConstrainedEvent>, index: number) {
  const calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  let content = '';
  const contentIds: number[] = [];
  for await (const event of events) {
    if (event.type === 'call')
      calls.push({ id: event.id, type: 'function', function: { name: event.name, arguments: '' } });
    else if (event.type === 'text') {
      const open = calls.at(-1);
      if (open) open.function.arguments += event.text;
      else {
        content += event.text;
        contentIds.push(...event.ids);
      }
    } else {
      const message =
        calls.length > 0
          ? { role: 'assistant', content: null, tool_calls: calls, refusal: null }
          : { role: 'assistant', content, refusal: null };
      const choice = { index, message, logprobs: null as unknown, finish_reason: event.reason };
      return { choice, completionTokens: event.completionTokens, contentIds };
    }
  }
  throw new Error('ENGINE_NO_FINISH');
}
