// The format judge: whether a host's answer kept the format its request asked for. A tool call must name a function
// the request offered (after `tool_choice`), carry arguments that parse as a JSON object and match that function's
// schema; an answer under `response_format` json_object / json_schema must be JSON (an object, a match). Every
// answer is judged (docs/decisions/022-format-failures.md); the answer is attacker-controlled (the host wrote it),
// the schemas arrive compiled (a validator passed in), so this stays pure.

/** A compiled JSON Schema: whether a parsed value matches it. */
export type JsonCheck = (value: unknown) => { ok: boolean };
/** Compiles a buyer's schema (already accepted at admission); undefined where it cannot (then only JSON is checked). */
export type CompileSchema = (schema: Record<string, unknown>) => JsonCheck | undefined;

/** What the judge reads of a request: the chat request's own fields, in the OpenAI wire shape. */
export type FormatRequest = {
  tools?: ReadonlyArray<{ function: { name: string; parameters?: Record<string, unknown> | undefined } }> | null;
  tool_choice?: 'none' | 'auto' | 'required' | { function: { name: string } } | null;
  response_format?:
    | { type: 'text' }
    | { type: 'json_object' }
    | { type: 'json_schema'; json_schema: { schema?: Record<string, unknown> | undefined } }
    | null;
};

/**
 * What the judge reads of an answer: its tool calls as the one reader assembled them (domain/tools/
 * tool-call-assembly.ts; arguments as the model wrote them), whether a fragment was out of the wire format, its text
 * and why it ended.
 */
export type FormatAnswer = {
  toolCalls: ReadonlyArray<{ name: string; arguments: string }>;
  malformedToolCalls: boolean;
  text: string;
  finishReason: string | null;
};

export type FormatFailure =
  /** a tool-call fragment out of the OpenAI wire format (not an object, a bad index, a non-string name or arguments) */
  | 'malformed_tool_call'
  /** a tool call's arguments are not a JSON object */
  | 'unparsable_arguments'
  /** a tool call names a function the request did not offer (or `tool_choice` ruled out) */
  | 'unknown_function'
  /** a tool call's arguments do not match the function's `parameters` schema */
  | 'arguments_schema_mismatch'
  /** `tool_choice` was `required` or named a function, and the answer called none */
  | 'missing_tool_call'
  /** the answer under `response_format` json_object / json_schema is not JSON (an object, for json_object) */
  | 'unparsable_answer'
  /** the answer under `response_format` json_schema does not match the schema */
  | 'answer_schema_mismatch';
/** A judged answer: it kept the format, or how it broke it. */
export type FormatOutcome = 'ok' | FormatFailure;

/** What a request holds the answer to, with its schemas compiled once. */
export type FormatContract = {
  /** the functions this answer may call, with their parameters' check (undefined: any object) */
  functions: ReadonlyMap<string, JsonCheck | undefined>;
  /** `tool_choice` required or a named function */
  callRequired: boolean;
  /** the answer must be JSON (json_object: an object; json_schema: matching `check` where it compiled) */
  json: { object: boolean; check: JsonCheck | undefined } | undefined;
};

/** The request's format contract, or undefined when it asked for none (no tools, no JSON answer). */
export function formatContract(request: FormatRequest, compile: CompileSchema): FormatContract | undefined {
  const tools = request.tools ?? [];
  const format = request.response_format;
  if (tools.length === 0 && (!format || format.type === 'text')) return undefined;
  const choice = request.tool_choice ?? 'auto';
  const offered =
    choice === 'none'
      ? []
      : typeof choice === 'object'
        ? tools.filter((t) => t.function.name === choice.function.name)
        : tools;
  const functions = new Map(
    offered.map((t) => [t.function.name, t.function.parameters ? compile(t.function.parameters) : undefined] as const),
  );
  const schema = format?.type === 'json_schema' ? format.json_schema.schema : undefined;
  return {
    functions,
    callRequired: choice === 'required' || typeof choice === 'object',
    json:
      format?.type === 'json_object'
        ? { object: true, check: undefined }
        : format?.type === 'json_schema'
          ? { object: false, check: schema ? compile(schema) : undefined }
          : undefined,
  };
}

/**
 * The answer's outcome, or undefined when there was nothing to judge: no contract, a text answer where text was
 * allowed, or an answer cut at `max_tokens` (`finish_reason: "length"`: the buyer's limit broke it, not the host).
 * An answer with several tool calls gets the first call's failure.
 */
export function judgeAnswer(contract: FormatContract | undefined, answer: FormatAnswer): FormatOutcome | undefined {
  if (!contract || answer.finishReason === 'length') return undefined;
  if (answer.malformedToolCalls) return 'malformed_tool_call';
  if (answer.toolCalls.length > 0) {
    for (const call of answer.toolCalls) {
      if (!contract.functions.has(call.name)) return 'unknown_function';
      const args = parseJson(call.arguments);
      if (!args.ok || !isObject(args.value)) return 'unparsable_arguments';
      if (!matches(contract.functions.get(call.name), args.value)) return 'arguments_schema_mismatch';
    }
    return 'ok';
  }
  if (contract.callRequired) return 'missing_tool_call';
  if (!contract.json) return undefined;
  const parsed = parseJson(answer.text);
  if (!parsed.ok || (contract.json.object && !isObject(parsed.value))) return 'unparsable_answer';
  return matches(contract.json.check, parsed.value) ? 'ok' : 'answer_schema_mismatch';
}

export const isFormatFailure = (outcome: FormatOutcome): outcome is FormatFailure => outcome !== 'ok';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matches = (check: JsonCheck | undefined, value: unknown): boolean => check === undefined || check(value).ok;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
