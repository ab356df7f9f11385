// A host's answer as the market reads it, parsed once where it arrives (the engine client) into typed events: a
// stream chunk becomes a `choices` event (each choice's output, by its `index`: n > 1 asks for several) or a `usage`
// event; a JSON answer becomes one `UpstreamAnswer`. Hosts
// are attacker-controlled: a malformed field reads as absent (a malformed token id makes the ids unusable, so the
// market counts the text itself), and only an answer whose shape is not a completion at all is refused. The chunk
// or body as sent is kept beside its typed reading (`wire`): the buyer gets it back with its id, model and logprobs
// rewritten. A host's `error` event is not an event here: it ends the stream as a failure (see the engine client);
// the message of a host's error body is read here too.
import { z } from 'zod';
import type { ClaimedPosition } from '../../domain/verification/response-check.ts';
import type { TokenLogprob } from '../../domain/verification/topk-distance.ts';

export type CompletionKind = 'chat' | 'text';

const wireChoiceSchema = z.looseObject({});
/** A chunk or body as the host sent it: its choices, and whatever else it carried (relayed as is). */
const wireSchema = z.looseObject({
  choices: z.array(wireChoiceSchema).optional(),
  usage: z
    .looseObject({ completion_tokens: z.number().optional().catch(undefined) })
    .nullish()
    .catch(undefined),
});
export type UpstreamChoiceWire = z.output<typeof wireChoiceSchema>;
export type UpstreamWire = z.output<typeof wireSchema>;

const tokenLogprobSchema = z.object({ id: z.number().int(), logprob: z.number() });
/** A top-k list: the entries with an integer id and a logprob; anything else in it is skipped. */
const topSchema = z
  .array(z.unknown())
  .catch([])
  .transform((entries): TokenLogprob[] =>
    entries.flatMap((entry) => {
      const read = tokenLogprobSchema.safeParse(entry);
      return read.success ? [read.data] : [];
    }),
  );
const logprobOrNaN = z.number().catch(Number.NaN);
const nullishArray = z.array(z.unknown()).nullish().catch(undefined);

/** Completion logprobs: parallel `token_ids`, `token_logprobs` and `top_logprobs_ids` lists. */
const textTokensSchema = z
  .looseObject({
    token_ids: z.array(z.number().int()).nullish(),
    token_logprobs: nullishArray,
    top_logprobs_ids: nullishArray,
  })
  .nullish()
  .transform((logprobs): ClaimedPosition[] | undefined => {
    const logprobsOf = logprobs?.token_logprobs ?? [];
    const topsOf = logprobs?.top_logprobs_ids ?? [];
    return (logprobs?.token_ids ?? []).map((id, i) => ({
      id,
      logprob: logprobOrNaN.parse(logprobsOf[i]),
      top: topSchema.parse(topsOf[i]),
    }));
  })
  .catch(undefined);

const textChoiceSchema = z.looseObject({
  text: z.string().nullish().catch(undefined),
  logprobs: textTokensSchema,
  finish_reason: z.string().nullish().catch(undefined),
});

/** One choice as the market reads it: the text it adds and the host's tokens for it. */
export type UpstreamOutput = {
  text: string;
  /**
   * The token ids the host reported for this text, each with its logprob and top-k ids (what the verifier checks):
   * empty when it reported none, undefined when one was malformed. Read only from engines known to report ids.
   */
  tokens: ClaimedPosition[] | undefined;
  /** why the host stopped, once it did */
  finishReason: string | null;
  /**
   * the reasoning a chat choice adds, where the engine sends it apart from the content (`reasoning_content`: vLLM,
   * llama.cpp server, DeepSeek; `reasoning`: Ollama, OpenRouter): completion tokens of the reasoning class
   */
  reasoning?: string;
  /** a chat message's `tool_calls`, or a delta's fragments of them, as sent (domain/tools/tool-call-assembly.ts reads them) */
  toolCalls?: unknown;
};

/** One choice's output, with the choice it belongs to (`index`: 0 where the host sent none, or not a count). */
export type ChoiceOutput = UpstreamOutput & { index: number };

const indexOf = (choice: UpstreamChoiceWire): number =>
  Number.isSafeInteger(choice.index) && (choice.index as number) >= 0 ? (choice.index as number) : 0;

// A host sends one chunk per token, so the wire of the common shape and every chat choice are read by hand below
// rather than by zod schemas (a test holds them to the schemas they replace); a text completion's choice, and any wire
// out of the common shape, go to the schemas above.

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `wireSchema` for a chunk whose choices are objects and whose usage, if any, is well formed; undefined otherwise. */
function readWire(json: unknown): UpstreamWire | undefined {
  if (!isRecord(json)) return undefined;
  const { choices, usage } = json;
  if (choices !== undefined && !(Array.isArray(choices) && choices.every(isRecord))) return undefined;
  if (
    usage != null &&
    !(isRecord(usage) && (usage.completion_tokens === undefined || typeof usage.completion_tokens === 'number'))
  )
    return undefined;
  // the schema's fields first, then the others as sent
  const wire: UpstreamWire = {};
  if ('choices' in json) wire.choices = choices === undefined ? undefined : choices.map((choice) => ({ ...choice }));
  if ('usage' in json)
    wire.usage = isRecord(usage)
      ? {
          ...('completion_tokens' in usage ? { completion_tokens: usage.completion_tokens as number | undefined } : {}),
          ...usage,
        }
      : (usage as null | undefined);
  for (const key in json) if (key !== 'choices' && key !== 'usage') wire[key] = json[key];
  return wire;
}

/** `topSchema`'s reading: the entries with an integer id and a logprob. */
function topOf(entries: unknown): TokenLogprob[] {
  if (!Array.isArray(entries)) return [];
  const top: TokenLogprob[] = [];
  for (const entry of entries)
    if (isRecord(entry) && Number.isSafeInteger(entry.id) && typeof entry.logprob === 'number')
      top.push({ id: entry.id as number, logprob: entry.logprob });
  return top;
}

/** Chat logprobs: `content[]` of `{ id, logprob, top_logprobs }`. None: no positions; one id not an integer: undefined. */
function chatTokensOf(logprobs: unknown): ClaimedPosition[] | undefined {
  if (logprobs == null) return [];
  if (!isRecord(logprobs)) return undefined;
  const content = logprobs.content;
  if (content == null) return [];
  if (!Array.isArray(content)) return undefined;
  const positions: ClaimedPosition[] = [];
  for (const entry of content) {
    if (!isRecord(entry) || !Number.isSafeInteger(entry.id)) return undefined;
    const logprob = typeof entry.logprob === 'number' ? entry.logprob : Number.NaN;
    positions.push({ id: entry.id as number, logprob, top: topOf(entry.top_logprobs) });
  }
  return positions;
}

/** A chat choice: its text (the message's, else the delta's), its tokens, and why it stopped; whatever is malformed reads as absent. */
function chatOutputOf(choice: UpstreamChoiceWire): UpstreamOutput {
  const holder = isRecord(choice.message) ? choice.message : isRecord(choice.delta) ? choice.delta : undefined;
  const content = holder?.content;
  const reasoning = holder?.reasoning_content ?? holder?.reasoning;
  const finishReason = choice.finish_reason;
  const output: UpstreamOutput = {
    text: typeof content === 'string' ? content : '',
    tokens: chatTokensOf(choice.logprobs),
    finishReason: typeof finishReason === 'string' ? finishReason : null,
    ...(typeof reasoning === 'string' && reasoning !== '' ? { reasoning } : {}),
  };
  if (holder?.tool_calls != null) output.toolCalls = holder.tool_calls;
  return output;
}

function outputOf(kind: CompletionKind, choice: UpstreamChoiceWire): ChoiceOutput {
  const index = indexOf(choice);
  if (kind === 'chat') return { ...chatOutputOf(choice), index };
  const read = textChoiceSchema.parse(choice);
  return { text: read.text ?? '', tokens: read.logprobs, finishReason: read.finish_reason ?? null, index };
}

/**
 * One event of a host's stream. `choices`: a chunk of output, each of its choices read (a bare role chunk has empty
 * text; a finishing one says why it stopped, and may carry the last text); `usage`: a chunk without choices, with
 * the host's claimed completion count (over all choices) where it gave one. `wire` is the chunk as the host sent it.
 */
export type UpstreamEvent =
  | { type: 'choices'; wire: UpstreamWire & { choices: UpstreamChoiceWire[] }; outputs: ChoiceOutput[] }
  | { type: 'usage'; completionTokens: number | undefined };

/** A host's JSON answer: each choice read, and its usage claim (over all choices). */
export type UpstreamAnswer = { choices: ChoiceOutput[]; completionTokens: number | undefined };

/** Reads one parsed stream chunk; undefined for a chunk that carries nothing (no choice, no usage). */
export function readUpstreamChunk(kind: CompletionKind, json: unknown): UpstreamEvent | undefined {
  const wire = readWire(json) ?? wireSchema.parse(json);
  if (wire.choices === undefined || wire.choices.length === 0) {
    return wire.usage ? { type: 'usage', completionTokens: wire.usage.completion_tokens } : undefined;
  }
  const chunk = { ...wire, choices: wire.choices };
  return { type: 'choices', wire: chunk, outputs: wire.choices.map((choice) => outputOf(kind, choice)) };
}

/** Reads a host's whole JSON answer (the body as sent, and its reading); throws a ZodError when it is not a completion. */
export function readUpstreamAnswer(
  kind: CompletionKind,
  json: unknown,
): { body: UpstreamWire; answer: UpstreamAnswer } {
  const body = readWire(json) ?? wireSchema.parse(json);
  const choices = (body.choices ?? []).map((choice) => outputOf(kind, choice));
  return { body, answer: { choices, completionTokens: body.usage?.completion_tokens } };
}

const errorBodySchema = z.looseObject({ error: z.looseObject({ message: z.string() }) });

/** The message of a host's error body (an OpenAI error envelope), where it sent one. */
export function upstreamErrorMessage(body: unknown): string | undefined {
  const read = errorBodySchema.safeParse(body);
  return read.success ? read.data.error.message : undefined;
}

/** The kind of completion an engine path answers. */
export const completionKindOf = (path: string): CompletionKind =>
  path.endsWith('/chat/completions') ? 'chat' : 'text';
