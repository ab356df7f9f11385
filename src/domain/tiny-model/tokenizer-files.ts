// The Hugging Face tokenizer files for a generated vocabulary, so the market meters tokens with
// @huggingface/tokenizers exactly as llama.cpp tokenizes them on the host.
import type { BpeVocabulary } from './bpe.ts';
import { CHATML_TEMPLATE } from './chat-template.ts';
import { MODEL_SHAPE } from './model-recipe.ts';

export type TokenizerFiles = { tokenizerJson: object; tokenizerConfig: object };

export function buildTokenizerFiles(vocab: BpeVocabulary): TokenizerFiles {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: vocab.specials.map((content) => ({
      id: vocab.tokens.indexOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(vocab.tokens.map((t, i) => [t, i])),
      merges: vocab.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<|endoftext|>',
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    add_bos_token: false,
    model_max_length: MODEL_SHAPE.contextLength,
    chat_template: CHATML_TEMPLATE,
  };
  return { tokenizerJson, tokenizerConfig };
}
