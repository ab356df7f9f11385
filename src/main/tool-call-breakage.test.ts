import { describe, expect, it } from 'vitest';
import { formatContract, judgeAnswer } from '../domain/formats/format-judge.ts';
import { readToolCalls } from '../domain/tools/tool-call-assembly.ts';
import { breakToolCalls, planBreakage } from './tool-call-breakage.ts';

const contract = formatContract({ tools: [{ function: { name: 'get_weather' } }] }, () => undefined);
const jsonAnswer = () => ({
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
      },
      finish_reason: 'tool_calls',
    },
  ],
});
const judged = (body: ReturnType<typeof jsonAnswer>) => {
  const { calls, malformed } = readToolCalls(body.choices[0]!.message.tool_calls);
  return judgeAnswer(contract, {
    toolCalls: calls,
    malformedToolCalls: malformed,
    text: '',
    finishReason: 'tool_calls',
  });
};

describe("the sandbox engine's broken tool calls", () => {
  it('breaks the set share of answers, the two faults in turn', () => {
    const plans = Array.from({ length: 100 }, (_, n) => planBreakage(n, 0.6));
    expect(plans.filter((p) => p !== undefined)).toHaveLength(60);
    expect(plans.filter((p) => p === 'leaked_token')).toHaveLength(30);
    expect(Array.from({ length: 50 }, (_, n) => planBreakage(n, 0)).every((p) => p === undefined)).toBe(true);
    expect(Array.from({ length: 50 }, (_, n) => planBreakage(n, 1)).every((p) => p !== undefined)).toBe(true);
  });

  it('turns a JSON answer’s good tool call into the failure each fault names', () => {
    expect(judged(jsonAnswer())).toBe('ok');
    const leaked = jsonAnswer();
    breakToolCalls(leaked, 'leaked_token', new Set());
    expect(judged(leaked)).toBe('unparsable_arguments');
    const renamed = jsonAnswer();
    breakToolCalls(renamed, 'renamed_function', new Set());
    expect(judged(renamed)).toBe('unknown_function');
  });

  it('puts the leaked token once in front of a streamed call’s arguments, across chunks', () => {
    const started = new Set<string>();
    const chunks = ['', '{"city":', '"Oslo"}'].map((piece, i) => ({
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, ...(i === 0 ? { id: 'c1', type: 'function' } : {}), function: { arguments: piece } },
            ],
          },
        },
      ],
    }));
    for (const chunk of chunks) breakToolCalls(chunk, 'leaked_token', started);
    const text = chunks.map((c) => c.choices[0]!.delta.tool_calls[0]!.function.arguments).join('');
    expect(text).toBe('<tool_call>{"city":"Oslo"}');
  });
});
