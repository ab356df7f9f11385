// The built-in engine never sends half a character: the tiny model's byte-level vocabulary splits "日本語" and
// "🚀" into byte tokens, and an answer cut after a lead byte (max_tokens 1) ends without a U+FFFD, its token still
// counted, in the engine and on its HTTP surface (whole answers and streams). Token bytes read from the vocabulary
// agree with llama.cpp's own tokenizer, and logprob entries carry them.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationEvent, LlamaEngine } from '../../src/adapters/engines/builtin/llama-engine.ts';
import { buildEngineServer } from '../../src/adapters/http/engine-host/build-engine-server.ts';
import { incompleteUtf8Tail } from '../../src/domain/sampling/utf8-tail.ts';
import { loadTinyEngine, tinyModelFiles } from '../support/tiny-engine.ts';

let engine: LlamaEngine;
let server: FastifyInstance;
beforeAll(async () => {
  engine = await loadTinyEngine();
  server = buildEngineServer({
    engine,
    modelId: 'agora-tiny',
    sha256: (await tinyModelFiles()).sha256,
    quantization: 'f32',
  });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

// Seed 5 at temperature 1.5 draws (with the canonical sampler) the first byte of a multi-byte character after this prompt.
const CUT_INSIDE_A_CHARACTER = {
  messages: [{ role: 'user', content: '日本語' }],
  max_tokens: 1,
  temperature: 1.5,
  seed: 5,
};

const collect = async (events: AsyncGenerator<GenerationEvent>) => {
  const out: GenerationEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};
const textOf = (events: GenerationEvent[]) =>
  events.map((e) => (e.type === 'token' ? e.token.text : e.type === 'text' ? e.text : '')).join('');

describe('partial characters in the built-in engine', () => {
  it("token bytes from the vocabulary concatenate to the text's UTF-8", () => {
    for (const text of ['Accents: café, naïve, Zürich', '中文字符 and 日本語', 'emoji 🚀🙂 done', 'plain ascii']) {
      const bytes = engine.tokenize(text).flatMap((id) => [...engine.tokenBytes(id)]);
      expect(Buffer.from(bytes).toString('utf8')).toBe(text);
    }
  });

  it('max_tokens 1 on a lead byte answers no text, not U+FFFD, and still produces the token', async () => {
    const promptIds = engine.tokenize(engine.renderChat(CUT_INSIDE_A_CHARACTER.messages), { special: true });
    const events = await collect(
      engine.generate({ promptIds, maxTokens: 1, temperature: 1.5, topP: 1, seed: 5, topK: 5, stop: [] }),
    );
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
      const events = await collect(
        engine.generate({
          promptIds,
          maxTokens: 48,
          temperature: 1.5,
          topP: 1,
          seed,
          topK: 1,
          stop: [],
          ignoreEos: true,
        }),
      );
      const ids = events.flatMap((e) => (e.type === 'token' ? [e.token.id] : []));
      const bytes = Uint8Array.from(ids.flatMap((id) => [...engine.tokenBytes(id)]));
      splitTokens += ids.filter((id) => incompleteUtf8Tail(engine.tokenBytes(id)) > 0).length;
      const whole = new TextDecoder().decode(bytes.subarray(0, bytes.length - incompleteUtf8Tail(bytes)));
      expect(textOf(events)).toBe(whole);
    }
    expect(splitTokens).toBeGreaterThan(0);
  });

  it('answers over HTTP with no U+FFFD, whole or streamed, the token counted and its raw byte in the logprobs', async () => {
    const post = (body: object) =>
      server.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: { model: 'agora-tiny', ...CUT_INSIDE_A_CHARACTER, ...body },
      });
    const whole = (await post({ logprobs: true })).json<{
      choices: Array<{ message: { content: string }; logprobs: { content: Array<{ id: number; bytes: number[] }> } }>;
      usage: { completion_tokens: number };
    }>();
    expect(whole.choices[0]?.message.content).toBe('');
    expect(whole.usage.completion_tokens).toBe(1);
    const entry = whole.choices[0]!.logprobs.content[0]!;
    expect(entry.bytes).toEqual([...engine.tokenBytes(entry.id)]);
    expect(incompleteUtf8Tail(Uint8Array.from(entry.bytes))).toBe(1);
    const streamed = (await post({ stream: true, stream_options: { include_usage: true } })).body;
    expect(streamed).not.toContain('\uFFFD');
    expect(streamed).not.toContain('\\ufffd');
    const chunks = streamed
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map(
        (l) =>
          JSON.parse(l.slice(6)) as {
            choices: Array<{ delta: { content?: string } }>;
            usage?: { completion_tokens: number };
          },
      );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(1);
  });
});
