import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatContract,
  judgeAnswer,
  type CompileSchema,
  type FormatAnswer,
  type FormatRequest,
  type JsonCheck,
} from './format-judge.ts';

// A stand-in for the app's ajv helper: enough of JSON Schema (required keys of given types) to tell match from not.
const compile: CompileSchema = (schema) => {
  const properties = (schema['properties'] ?? {}) as Record<string, { type: string }>;
  const required = (schema['required'] ?? []) as string[];
  const check: JsonCheck = (value) => ({
    ok:
      typeof value === 'object' &&
      value !== null &&
      required.every((key) => {
        const field = (value as Record<string, unknown>)[key];
        return field !== undefined && typeof field === properties[key]?.type;
      }),
  });
  return check;
};
const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
} as const;
const withTools: FormatRequest = { tools: [weather, { function: { name: 'now' } }] };
const call = (name: string, args: string) => ({ name, arguments: args });
const answer = (toolCalls: FormatAnswer['toolCalls'], text = '', finishReason: string | null = 'stop') => ({
  toolCalls,
  malformedToolCalls: false,
  text,
  finishReason,
});
const judge = (request: FormatRequest, a: FormatAnswer) => judgeAnswer(formatContract(request, compile), a);

describe('the format judge', () => {
  it('passes a tool call to an offered function whose arguments match its schema', () => {
    expect(judge(withTools, answer([call('get_weather', '{"city":"Paris"}')]))).toBe('ok');
    expect(judge(withTools, answer([call('now', '{}')]))).toBe('ok');
  });

  it('names each way a tool call breaks its format', () => {
    expect(judge(withTools, answer([call('get_wether', '{"city":"Paris"}')]))).toBe('unknown_function');
    expect(judge(withTools, answer([call('get_weather', '{"city": "Par')]))).toBe('unparsable_arguments');
    expect(judge(withTools, answer([call('get_weather', '["Paris"]')]))).toBe('unparsable_arguments');
    expect(judge(withTools, answer([call('get_weather', '{"town":"Paris"}')]))).toBe('arguments_schema_mismatch');
    expect(judge(withTools, answer([call('now', '{}'), call('get_weather', '{}')]))).toBe('arguments_schema_mismatch');
  });

  it('fails an answer whose tool-call fragments were out of the wire format', () => {
    expect(judge(withTools, { ...answer([call('now', '{}')]), malformedToolCalls: true })).toBe('malformed_tool_call');
  });

  it('applies tool_choice: none offers no function, a named one offers only it, and both of those that require a call', () => {
    expect(judge({ ...withTools, tool_choice: 'none' }, answer([call('now', '{}')]))).toBe('unknown_function');
    const named = { ...withTools, tool_choice: { function: { name: 'now' } } } as const;
    expect(judge(named, answer([call('get_weather', '{"city":"Paris"}')]))).toBe('unknown_function');
    expect(judge(named, answer([], 'It is noon.'))).toBe('missing_tool_call');
    expect(judge({ ...withTools, tool_choice: 'required' }, answer([], 'Sunny.'))).toBe('missing_tool_call');
    expect(judge({ ...withTools, tool_choice: 'auto' }, answer([], 'Sunny.'))).toBeUndefined();
  });

  it('judges a JSON answer: json_object wants an object, json_schema a match', () => {
    const object: FormatRequest = { response_format: { type: 'json_object' } };
    expect(judge(object, answer([], ' {"a": 1} '))).toBe('ok');
    expect(judge(object, answer([], '[1]'))).toBe('unparsable_answer');
    expect(judge(object, answer([], 'Sure! {"a": 1}'))).toBe('unparsable_answer');
    const schema: FormatRequest = {
      response_format: { type: 'json_schema', json_schema: { schema: weather.function.parameters } },
    };
    expect(judge(schema, answer([], '{"city":"Oslo"}'))).toBe('ok');
    expect(judge(schema, answer([], '{"city":3}'))).toBe('answer_schema_mismatch');
    expect(judge(schema, answer([], 'Oslo'))).toBe('unparsable_answer');
    expect(judge({ response_format: { type: 'json_schema', json_schema: {} } }, answer([], '"x"'))).toBe('ok');
  });

  it('judges nothing where no format was asked, or the answer was cut at max_tokens', () => {
    expect(formatContract({}, compile)).toBeUndefined();
    expect(formatContract({ tools: [], response_format: { type: 'text' } }, compile)).toBeUndefined();
    expect(judge({}, answer([call('now', '{')]))).toBeUndefined();
    expect(judge(withTools, answer([call('get_weather', '{"ci')], '', 'length'))).toBeUndefined();
  });

  it('passes any JSON object the schema accepts, and fails any arguments that are not JSON', () => {
    const unchecked: FormatRequest = { tools: [{ function: { name: 'f' } }] };
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (args) => {
        expect(judge(unchecked, answer([call('f', JSON.stringify(args))]))).toBe('ok');
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((text) => !isJson(text)),
        (text) => {
          expect(judge(unchecked, answer([call('f', text)]))).toBe('unparsable_arguments');
        },
      ),
    );
  });

  it('fails a call to any name the request did not offer, whatever its arguments', () => {
    fc.assert(
      fc.property(
        fc.string().filter((name) => name !== 'get_weather' && name !== 'now'),
        fc.string(),
        (name, args) => {
          expect(judge(withTools, answer([call(name, args)]))).toBe('unknown_function');
        },
      ),
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
