// The hand-written reading of a host's chunks and answers (upstream-completion.ts) gives what the zod schemas it
// replaced gave, to the key order of the relayed wire: checked over thousands of generated chunks, well formed and not.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClaimedPosition } from '../../domain/verification/response-check.ts';
import type { TokenLogprob } from '../../domain/verification/topk-distance.ts';
import { readUpstreamAnswer, readUpstreamChunk } from './upstream-completion.ts';

// The reading as the schemas had it (the text completion's schemas are still in use, not repeated here).
const wireSchema = z.looseObject({
  choices: z.array(z.looseObject({})).optional(),
  usage: z
    .looseObject({ completion_tokens: z.number().optional().catch(undefined) })
    .nullish()
    .catch(undefined),
});
const tokenLogprobSchema = z.object({ id: z.number().int(), logprob: z.number() });
const topSchema = z
  .array(z.unknown())
  .catch([])
  .transform((entries): TokenLogprob[] =>
    entries.flatMap((entry) => {
      const read = tokenLogprobSchema.safeParse(entry);
      return read.success ? [read.data] : [];
    }),
  );
const chatTokensSchema = z
  .looseObject({
    content: z
      .array(z.looseObject({ id: z.number().int(), logprob: z.number().catch(Number.NaN), top_logprobs: topSchema }))
      .nullish(),
  })
  .nullish()
  .transform((logprobs): ClaimedPosition[] | undefined =>
    (logprobs?.content ?? []).map((e) => ({ id: e.id, logprob: e.logprob, top: e.top_logprobs })),
  )
  .catch(undefined);
const contentSchema = z
  .looseObject({ content: z.string().nullish().catch(undefined) })
  .nullish()
  .catch(undefined);
const chatChoiceSchema = z.looseObject({
  index: z.int().min(0).catch(0),
  message: contentSchema,
  delta: contentSchema,
  logprobs: chatTokensSchema,
  finish_reason: z.string().nullish().catch(undefined),
});

function referenceChunk(json: unknown) {
  const wire = wireSchema.parse(json);
  if (wire.choices === undefined || wire.choices.length === 0)
    return wire.usage ? { type: 'usage', completionTokens: wire.usage.completion_tokens } : undefined;
  const outputs = wire.choices.map((choice) => {
    const read = chatChoiceSchema.parse(choice);
    return {
      text: (read.message ?? read.delta)?.content ?? '',
      tokens: read.logprobs,
      finishReason: read.finish_reason ?? null,
      index: read.index,
    };
  });
  const chunk = { ...wire, choices: wire.choices };
  return { type: 'choices', wire: chunk, outputs };
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const TOP_ENTRIES: unknown[] = [
  { id: 1, logprob: -0.1 },
  { id: 2, logprob: -1, token: 'x' },
  { id: 1.5, logprob: 0 },
];
const TOP_ODD: unknown[] = [{ id: 3 }, { logprob: -1 }, 'x', null, [1, 2], { id: '4', logprob: -1 }];
const CONTENT_VALUES: unknown[] = ['Hi', '', null, undefined, 3, ['x']];
const FINISH_VALUES: unknown[] = [null, undefined, 'stop', 'length', 3];
const USAGE_VALUES: unknown[] = [
  { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 },
  { completion_tokens: 2 },
  {},
  null,
  { completion_tokens: 'x', prompt_tokens: 1 },
  5,
  [],
];

function randomChunk(random: () => number): unknown {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const odd = () => random() < 0.1;
  const entry = () => {
    const e: Record<string, unknown> = {};
    for (const key of ['token', 'id', 'logprob', 'bytes', 'top_logprobs'].sort(() => random() - 0.5)) {
      if (key === 'id') e.id = odd() ? pick([1.5, '7', null, 2 ** 53]) : Math.floor(random() * 100);
      else if (key === 'logprob') {
        if (random() < 0.9) e.logprob = odd() ? pick(['x', null]) : -random();
      } else if (key === 'top_logprobs') {
        if (random() < 0.9)
          e.top_logprobs = odd()
            ? pick(['x', null, {}])
            : Array.from({ length: Math.floor(random() * 5) }, () => pick(odd() ? TOP_ODD : TOP_ENTRIES));
      } else if (random() < 0.5) e[key] = 'tok';
    }
    return odd() ? pick<unknown>([null, 'x', []]) : e;
  };
  const logprobs = () =>
    random() < 0.4
      ? pick([null, undefined, 'x', [], { content: null }, { content: 'x' }, {}])
      : { content: Array.from({ length: Math.floor(random() * 3) }, entry), refusal: null };
  const holder = () =>
    odd()
      ? pick<unknown>([null, 'x', [], 3])
      : { role: 'assistant', ...(random() < 0.8 ? { content: pick(CONTENT_VALUES) } : {}) };
  const choice = () => {
    const c: Record<string, unknown> = { index: odd() ? pick([-1, 1.5, '2', null]) : Math.floor(random() * 3) };
    if (random() < 0.7) c.delta = holder();
    if (random() < 0.3) c.message = holder();
    if (random() < 0.6) c.logprobs = logprobs();
    if (random() < 0.9) c.finish_reason = pick(FINISH_VALUES);
    return odd() ? pick<unknown>(['x', null, []]) : c;
  };
  const chunk: Record<string, unknown> = {};
  for (const key of ['id', 'object', 'created', 'model', 'choices', 'usage', 'system_fingerprint'].sort(
    () => random() - 0.5,
  )) {
    if (key === 'choices') {
      if (random() < 0.9)
        chunk.choices = odd()
          ? pick(['x', null, {}])
          : Array.from({ length: random() < 0.8 ? 1 : random() < 0.5 ? 0 : 3 }, choice);
    } else if (key === 'usage') {
      if (random() < 0.3) chunk.usage = pick(USAGE_VALUES);
    } else if (random() < 0.9) chunk[key] = key === 'created' ? 1 : 'v';
  }
  return odd() ? pick<unknown>(['x', null, [], 3]) : chunk;
}

/** What each reading gives, or that it threw. */
function outcome(read: () => unknown): unknown {
  try {
    return { value: read() };
  } catch {
    return 'threw';
  }
}

describe("a host's chunks read by hand, as the schemas read them", () => {
  it('gives the same events, the relayed wire in the same key order, and throws where they threw', () => {
    const random = seeded(26);
    let events = 0;
    for (let i = 0; i < 20_000; i++) {
      const chunk = randomChunk(random);
      const expected = outcome(() => referenceChunk(structuredClone(chunk)));
      const actual = outcome(() => readUpstreamChunk('chat', structuredClone(chunk)));
      expect(actual, JSON.stringify(chunk)).toEqual(expected);
      expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      if (typeof actual === 'object') events += 1;
    }
    expect(events).toBeGreaterThan(10_000);
  });

  it("reads a whole chat answer's body in the schema's key order", () => {
    const body = {
      id: 'x',
      usage: { prompt_tokens: 1, completion_tokens: 2 },
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
    };
    const read = readUpstreamAnswer('chat', body);
    expect(JSON.stringify(read.body)).toBe(JSON.stringify(wireSchema.parse(body)));
    expect(read.answer).toEqual({
      choices: [{ index: 0, text: 'Hi', tokens: [], finishReason: 'stop' }],
      completionTokens: 2,
    });
  });
});
