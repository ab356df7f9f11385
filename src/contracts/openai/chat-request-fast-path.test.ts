// The fast path reads a chat body exactly as the schema would, or leaves it to the schema: checked over thousands of
// bodies mixing valid and invalid values of every field it reads, and of some it leaves to the schema.
import { describe, expect, it } from 'vitest';
import { readCommonChatRequest } from './chat-request-fast-path.ts';
import { chatCompletionRequestSchema } from './completion-request.ts';

/** Values to try per field: valid ones first, then invalid ones (and `undefined`: the field absent). */
const FIELD_VALUES: Record<string, unknown[]> = {
  model: ['m', 'bench-model@q4', '', 'x'.repeat(256), 'x'.repeat(257), 3, null],
  max_tokens: [1, 32, null, 0, -1, 1.5, 2 ** 53, '32'],
  max_completion_tokens: [1, null, 0, 2.5],
  temperature: [0, 1, 2, 0.7, null, -0.1, 2.01, '1'],
  top_p: [1, 0.5, null, 0, 1.1],
  n: [1, null, 2, 0],
  stream: [true, false, null, 'true', 1],
  stream_options: [{ include_usage: true }, {}, null, { include_usage: 'yes' }, { other: 1 }, [], 'x'],
  stop: ['\n', null, '', ['a'], [], ['a', 'b', 'c', 'd', 'e'], 3],
  seed: [0, -5, 2 ** 40, null, 1.5],
  presence_penalty: [0, -2, 2, null, 3],
  frequency_penalty: [1, null, -2.5],
  user: ['u', '', 'x'.repeat(257), null],
  logprobs: [true, null, 1],
  top_logprobs: [0, 20, null, 21, -1],
  provider: [{ sort: 'price' }, { nonsense: 1 }],
  tools: [[], 'x'],
  usage: [{ include: true }, { include: 1 }],
  constructor: [1],
  toString: ['x'],
  surprise: [1],
};
/** Fields the fast path leaves to the schema, valid or not: rarer, so that many bodies stay on the fast path. */
const LEFT_TO_SCHEMA = new Set(['provider', 'tools', 'usage', 'constructor', 'toString', 'surprise']);
const MESSAGES: unknown[] = [
  { role: 'user', content: 'hi' },
  { role: 'system', content: '' },
  { role: 'assistant', content: null, refusal: 'no' },
  { role: 'assistant', content: 'x', name: 'n' },
  { role: 'tool', content: 'r', tool_call_id: 'c1' },
  { content: 'no role' },
  { role: 'robot', content: 'x' },
  { role: 'user', content: 3 },
  { role: 'user', content: [{ type: 'text', text: 'parts' }] },
  { role: 'user', content: [] },
  { role: 'user', name: 'x'.repeat(257), content: 'x' },
  { role: 'user', content: 'x', extra: 1 },
  { role: 'assistant', tool_calls: [{}] },
  { role: 'user' },
  { role: 'user', constructor: 'x' },
  ['user', 'hi'],
  null,
  'hi',
];

/** A small deterministic generator, so a failure reproduces. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomBody(random: () => number): Record<string, unknown> {
  const pick = <T>(values: readonly T[], validShare = 0.8): T =>
    values[random() < validShare ? 0 : Math.floor(random() * values.length)] as T;
  const body: Record<string, unknown> = {};
  // the buyer's own field order, shuffled: the output must still come in the schema's order
  const fields = Object.keys(FIELD_VALUES).sort(() => random() - 0.5);
  for (const field of fields) {
    if (random() < (field === 'model' ? 0.95 : LEFT_TO_SCHEMA.has(field) ? 0.02 : 0.2))
      body[field] = pick(FIELD_VALUES[field] ?? []);
  }
  const count = random() < 0.05 ? 0 : 1 + Math.floor(random() * 4);
  if (random() < 0.97) body.messages = Array.from({ length: count }, () => structuredClone(pick(MESSAGES, 0.5)));
  return body;
}

describe('the chat request fast path', () => {
  it('reads a body only as the schema parses it (same fields, same order), and leaves the rest to the schema', () => {
    const random = seeded(26);
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      const body = randomBody(random);
      const fast = readCommonChatRequest(body);
      if (fast === undefined) continue;
      read += 1;
      const parsed = chatCompletionRequestSchema.safeParse(body);
      expect(parsed.success, JSON.stringify(body)).toBe(true);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(parsed.data));
    }
    expect(read).toBeGreaterThan(1_000);
  });

  it('reads the common request, and leaves bodies with tools, content parts or provider preferences to the schema', () => {
    const common = {
      messages: [
        { content: 'Be brief.', role: 'system' },
        { role: 'user', content: 'Hello' },
      ],
      model: 'm',
      max_tokens: 32,
      stream: true,
      stream_options: { include_usage: true },
    };
    expect(JSON.stringify(readCommonChatRequest(common))).toBe(
      JSON.stringify(chatCompletionRequestSchema.parse(common)),
    );
    expect(readCommonChatRequest({ ...common, tools: [] })).toBeUndefined();
    expect(readCommonChatRequest({ ...common, provider: { sort: 'price' } })).toBeUndefined();
    expect(
      readCommonChatRequest({ ...common, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }),
    ).toBeUndefined();
  });
});
