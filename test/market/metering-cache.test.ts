// Metering's fast paths count exactly what the slow ones would, on the tiny model's real tokenizer: ids cached per
// stretch between special tokens equal the tokenizer's own ids for any text, however the cache is filled or evicted,
// and the ChatML function renders what the jinja template renders.
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHATML_TEMPLATE, renderChatML } from '../../src/adapters/tokenizers/chatml-template.ts';
import { loadMeteringTokenizer } from '../../src/adapters/tokenizers/hf-tokenizer.ts';
import { segmentCachedEncoder, type SpecialToken } from '../../src/adapters/tokenizers/segment-cache.ts';
import { tinyModelFiles } from '../support/tiny-engine.ts';

let encodeUncached: (text: string) => number[];
let specials: SpecialToken[];
let chatTemplate: string;
beforeAll(async () => {
  const { dir } = await tinyModelFiles();
  const json = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as { added_tokens: SpecialToken[] };
  const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as { chat_template: string };
  const tokenizer = new Tokenizer(json, config);
  encodeUncached = (text) => tokenizer.encode(text, { add_special_tokens: false }).ids;
  specials = json.added_tokens.map(({ id, content }) => ({ id, content }));
  chatTemplate = config.chat_template;
});

// Text that exercises the splits: special tokens (whole, cut, back to back), spaces and newlines at the edges,
// letters, digits, punctuation, accents and characters outside the basic plane.
const pieces = fc.constantFrom(
  '<|im_start|>',
  '<|im_end|>',
  '<|endoftext|>',
  '<|im_',
  '|>',
  ' ',
  '  ',
  '\n',
  '\n\n',
  'user',
  'assistant',
  'The market',
  ' hosts',
  "'s",
  '42',
  '3.14',
  '!?',
  'é',
  'naïve',
  '日本',
  '🙂',
  '\t',
);
const texts = fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 24 }).map((p) => p.join(''));

describe('metering fast paths', () => {
  it('count the same ids per stretch as the tokenizer does for the whole text, cache cold, warm or evicting', () => {
    const warm = segmentCachedEncoder(encodeUncached, specials);
    const tiny = segmentCachedEncoder(encodeUncached, specials, { maxSegmentChars: 8, maxTotalChars: 24 });
    fc.assert(
      fc.property(fc.array(texts, { minLength: 1, maxLength: 6 }), (batch) => {
        for (const text of [...batch, ...batch]) {
          const expected = encodeUncached(text);
          expect(warm(text)).toEqual(expected);
          expect(tiny(text)).toEqual(expected);
          expect(segmentCachedEncoder(encodeUncached, specials)(text)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('render ChatML as the jinja template does, for the template the tiny model ships', () => {
    expect(chatTemplate).toBe(CHATML_TEMPLATE);
    const jinja = new Template(CHATML_TEMPLATE);
    const messages = fc.array(
      fc.record({ role: fc.constantFrom('system', 'user', 'assistant', 'tool'), content: texts }),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(messages, (m) => {
        expect(renderChatML(m)).toBe(jinja.render({ messages: m, add_generation_prompt: true }));
      }),
      { numRuns: 300 },
    );
  });

  it('keep a returned id list to the caller: changing it does not change what the cache answers next', () => {
    const encode = segmentCachedEncoder(encodeUncached, specials);
    const first = encode('a system prompt<|im_end|>');
    first.push(-1);
    expect(encode('a system prompt<|im_end|>')).toEqual(encodeUncached('a system prompt<|im_end|>'));
  });

  it('are not used for a tokenizer that marks only the first stretch (Metaspace, prepend_scheme "first")', async () => {
    const vocab = Object.fromEntries(['<unk>', '<s>', '▁', 'a', 'b'].map((t, i) => [t, i]));
    const json = {
      version: '1.0',
      added_tokens: [
        { id: 1, content: '<s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      ],
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false },
      post_processor: null,
      decoder: null,
      model: { type: 'BPE', unk_token: '<unk>', fuse_unk: false, byte_fallback: false, vocab, merges: [] },
    };
    const dir = await mkdtemp(join(tmpdir(), 'agora-metaspace-'));
    try {
      await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(json));
      await writeFile(join(dir, 'tokenizer_config.json'), '{}');
      const metering = await loadMeteringTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
      const reference = new Tokenizer(json, {});
      for (const text of ['a<s>b', 'a<s>b', '<s>a b<s>ba'])
        expect(metering.encode(text)).toEqual(reference.encode(text, { add_special_tokens: false }).ids);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
