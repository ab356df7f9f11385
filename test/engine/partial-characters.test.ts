// The built-in engine never sends half a character: the tiny model's byte-level vocabulary splits "日本語" and
// "🚀" into byte tokens, and an answer cut after a lead byte (max_tokens 1) ends without a U+FFFD, its token still
// counted. Token bytes read from the vocabulary agree with llama.cpp's own tokenizer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationEvent, LlamaEngine } from '../../src/adapters/engines/builtin/llama-engine.ts';
import { incompleteUtf8Tail } from '../../src/domain/sampling/utf8-tail.ts';
import { loadTinyEngine } from '../support/tiny-engine.ts';

let engine: LlamaEngine;
beforeAll(async () => {
  engine = await loadTinyEngine();
});
afterAll(() => engine.close());

const collect = async (events: AsyncGenerator<GenerationEvent>) => {
  const out: GenerationEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};
const textOf = (events: GenerationEvent[]) => events.map((e) => (e.type === 'token' ? e.token.text : e.type === 'text' ? e.text : '')).join('');

describe('partial characters in the built-in engine', () => {
  it("token bytes from the vocabulary concatenate to the text's UTF-8", () => {
    for (const text of ['Accents: café, naïve, Zürich', '中文字符 and 日本語', 'emoji 🚀🙂 done', 'plain ascii']) {
      const bytes = engine.tokenize(text).flatMap((id) => [...engine.tokenBytes(id)]);
      expect(Buffer.from(bytes).toString('utf8')).toBe(text);
    }
  });

  it('max_tokens 1 on a lead byte answers no text, not U+FFFD, and still produces the token', async () => {
    // Seed 6 at temperature 1.5 samples token 244, the first byte of a three-byte character, after this prompt.
    const promptIds = engine.tokenize(engine.renderChat([{ role: 'user', content: '日本語' }]), { special: true });
    const events = await collect(engine.generate({ promptIds, maxTokens: 1, temperature: 1.5, topP: 1, seed: 6, topK: 5, stop: [] }));
    const tokens = events.flatMap((e) => (e.type === 'token' ? [e.token] : []));
    expect(tokens).toHaveLength(1);
    expect(incompleteUtf8Tail(engine.tokenBytes(tokens[0]!.id))).toBeGreaterThan(0);
    expect(engine.detokenize([tokens[0]!.id])).toBe('\uFFFD');
    expect(textOf(events)).toBe('');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('a character split over tokens streams once whole, with nothing before it', async () => {
    const promptIds = engine.tokenize('emoji 🚀', { special: false });
    // Hot sampling long enough that byte tokens come up; each answer is its tokens' bytes, less an unfinished end.
    let splitTokens = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const events = await collect(engine.generate({ promptIds, maxTokens: 48, temperature: 1.5, topP: 1, seed, topK: 1, stop: [], ignoreEos: true }));
      const ids = events.flatMap((e) => (e.type === 'token' ? [e.token.id] : []));
      const bytes = Uint8Array.from(ids.flatMap((id) => [...engine.tokenBytes(id)]));
      splitTokens += ids.filter((id) => incompleteUtf8Tail(engine.tokenBytes(id)) > 0).length;
      const whole = new TextDecoder().decode(bytes.subarray(0, bytes.length - incompleteUtf8Tail(bytes)));
      expect(textOf(events)).toBe(whole);
    }
    expect(splitTokens).toBeGreaterThan(0);
  });
});
