// The built-in engine on the generated reference model: golden greedy output, bitwise repeatability, market-side
// metering equal to the engine's own tokenizer, and teacher-forced scoring of honest output at the noise floor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaEngine, GenerationEvent } from '../../src/adapters/engines/builtin/llama-engine.ts';
import { loadMeteringTokenizer, type MeteringTokenizer } from '../../src/adapters/tokenizers/hf-tokenizer.ts';
import { engineUnderTest } from '../../src/adapters/engines/builtin/engine-under-test.ts';
import { measureSubstituteDistance } from '../../src/app/verification/measure-substitute-distance.ts';
import { loadTinyEngine, tinyModelFiles } from '../support/tiny-engine.ts';

let engine: LlamaEngine;
let tokenizer: MeteringTokenizer;

beforeAll(async () => {
  engine = await loadTinyEngine();
  const files = await tinyModelFiles();
  tokenizer = await loadMeteringTokenizer(files.tokenizerJsonPath, files.tokenizerConfigPath);
});
afterAll(() => engine.close());

const collect = async (events: AsyncGenerator<GenerationEvent>) => {
  const out: GenerationEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};
const greedy = (promptIds: number[], maxTokens = 24) =>
  collect(engine.generate({ promptIds, maxTokens, temperature: 0, topP: 1, seed: 0, topK: 5, stop: [] }));
const tokenIds = (events: GenerationEvent[]) => events.flatMap((e) => (e.type === 'token' ? [e.token.id] : []));

const SAMPLE_STRINGS = [
  'The quick brown fox jumps over the lazy dog.',
  "It's   spaced\tout, isn't it?\n\nNew paragraph.",
  'Numbers 12345 and 3.14159, prices $0.10!',
  'Accents: café, naïve, Zürich',
  '中文字符 and 日本語',
  'emoji 🚀🙂 done',
  '',
  '<|im_start|>user\nhi<|im_end|>',
];

describe('built-in engine', () => {
  it('greedy output for a fixed prompt equals the golden token ids', async () => {
    const prompt = engine.renderChat([{ role: 'user', content: 'Tell me about the market.' }]);
    const events = await greedy(engine.tokenize(prompt, { special: true }));
    expect(tokenIds(events)).toEqual([274, 289, 46]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(events.flatMap((e) => (e.type === 'token' ? [e.token.text] : [])).join('')).toBe('The market.');
  });

  it('temperature 0 is bitwise repeatable, logprobs included', async () => {
    const prompt = engine.tokenize('The quick brown fox', { special: false });
    const run = () =>
      collect(
        engine.generate({
          promptIds: prompt,
          maxTokens: 32,
          temperature: 0,
          topP: 1,
          seed: 0,
          topK: 5,
          stop: [],
          ignoreEos: true,
        }),
      );
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(tokenIds(a)).toHaveLength(32);
  });

  it('seeded sampling is repeatable for a seed and differs across seeds', async () => {
    const prompt = engine.tokenize('The market', { special: false });
    const sample = (seed: number) =>
      collect(
        engine.generate({
          promptIds: prompt,
          maxTokens: 32,
          temperature: 1.2,
          topP: 1,
          seed,
          topK: 1,
          stop: [],
          ignoreEos: true,
        }),
      ).then(tokenIds);
    const first = await sample(7);
    expect(await sample(7)).toEqual(first);
    const runs = await Promise.all([8, 9, 10].map(sample));
    expect(new Set([first, ...runs].map((ids) => ids.join())).size).toBeGreaterThan(1);
  });

  it('stop sequences end the text before the stop string', async () => {
    const prompt = engine.tokenize('The quick brown fox', { special: false });
    const events = await collect(
      engine.generate({
        promptIds: prompt,
        maxTokens: 40,
        temperature: 0,
        topP: 1,
        seed: 0,
        topK: 1,
        stop: [' the'],
        ignoreEos: true,
      }),
    );
    const text = events
      .flatMap((e) => (e.type === 'token' ? [e.token.text] : e.type === 'text' ? [e.text] : []))
      .join('');
    expect(text).not.toContain(' the');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('market-side tokenizer ids equal the engine ids on a fixed set of strings', () => {
    for (const text of SAMPLE_STRINGS) {
      expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(engine.tokenize(text, { special: true }));
    }
  });

  it('market-side chat template and tokenizer count the same prompt as the engine', () => {
    const messages = [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Wie viel kostet ein Token? 🙂' },
      { role: 'assistant', content: 'About 100 nano units.' },
      { role: 'user', content: 'And a host?' },
    ];
    const rendered = tokenizer.renderChat(messages);
    expect(rendered).toBe(engine.renderChat(messages));
    expect(tokenizer.encode(rendered)).toEqual(engine.tokenize(rendered, { special: true }));
  });

  it('teacher-forced scoring of its own output is at the honest floor', async () => {
    const prompts = ['The market', 'A host runs', 'Hello!'].map((t) => engine.tokenize(t, { special: false }));
    const report = await measureSubstituteDistance(engineUnderTest(engine), engine, prompts, {
      maxTokens: 48,
      topK: 5,
    });
    expect(report.positions).toBe(144);
    expect(report.meanTv).toBeLessThan(2e-4);
    expect(report.top1Agreement).toBe(1);
  });
});
