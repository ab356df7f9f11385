// Market-side metering: the model's own tokenizer (@huggingface/tokenizers) and chat template
// (@huggingface/jinja), so prompt tokens are counted by the market, not taken from a host's word. Both sit on every
// paid request: tokens are cached per stretch between special tokens, and the ChatML template skips the interpreter.
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { CHATML_TEMPLATE, renderChatML } from './chatml-template.ts';
import { segmentCachedEncoder, type SpecialToken } from './segment-cache.ts';

export type ChatTemplateMessage = { role: string; content: string };

export type MeteringTokenizer = {
  /** token ids; the model's special tokens are recognised wherever they appear (as llama.cpp with parse_special) */
  encode(text: string): number[];
  /** the text of these ids (special tokens included as text), or undefined when one is not in the vocabulary */
  decode(ids: readonly number[]): string | undefined;
  renderChat(messages: readonly ChatTemplateMessage[]): string;
};

export async function loadMeteringTokenizer(
  tokenizerJsonPath: string,
  tokenizerConfigPath: string,
): Promise<MeteringTokenizer> {
  const tokenizerJson = JSON.parse(await readFile(tokenizerJsonPath, 'utf8')) as {
    added_tokens?: AddedToken[];
    pre_tokenizer?: PreTokenizerConfig | null;
  };
  const config = JSON.parse(await readFile(tokenizerConfigPath, 'utf8')) as { chat_template?: string };
  const tokenizer = new Tokenizer(tokenizerJson, config);
  const encodeUncached = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;
  const specials = positionIndependent(tokenizerJson.pre_tokenizer ?? null)
    ? splittingTokens(tokenizerJson.added_tokens ?? [])
    : undefined;
  const encode = specials ? segmentCachedEncoder(encodeUncached, specials) : encodeUncached;
  const template = config.chat_template === CHATML_TEMPLATE ? undefined : new Template(config.chat_template ?? '');
  return {
    encode,
    decode(ids) {
      if (ids.length === 0) return '';
      return ids.every((id) => tokenizer.id_to_token(id) !== undefined) ? tokenizer.decode([...ids]) : undefined;
    },
    renderChat: (messages) =>
      template ? template.render({ messages, add_generation_prompt: true }) : renderChatML(messages),
  };
}

type AddedToken = SpecialToken & { lstrip?: boolean; rstrip?: boolean; single_word?: boolean; normalized?: boolean };

/**
 * The added tokens the text is split at before anything else, when splitting there is exact: a token that strips
 * its neighbours' spaces, matches only whole words or matches after normalization reaches across the split, so any
 * such token turns the cache off (undefined).
 */
function splittingTokens(added: readonly AddedToken[]): SpecialToken[] | undefined {
  const plain = added.every((t) => !t.lstrip && !t.rstrip && !t.single_word && !t.normalized);
  return plain ? added.map(({ id, content }) => ({ id, content })) : undefined;
}

type PreTokenizerConfig = { type: string; prepend_scheme?: string; pretokenizers?: PreTokenizerConfig[] };

/** Pre-tokenizers whose output for a stretch does not depend on where the stretch sits in the text. */
const POSITION_FREE = new Set([
  'BertPreTokenizer',
  'ByteLevel',
  'Digits',
  'Punctuation',
  'Replace',
  'Split',
  'Whitespace',
  'WhitespaceSplit',
]);

/**
 * Whether each stretch between special tokens is pre-tokenized the same wherever it sits. Metaspace with
 * `prepend_scheme: "first"` marks only the text's first stretch with a leading space, so encoding a later stretch on
 * its own would add one; a pre-tokenizer not known here turns the cache off too.
 */
function positionIndependent(config: PreTokenizerConfig | null): boolean {
  if (config === null) return true;
  if (config.type === 'Sequence') return (config.pretokenizers ?? []).every(positionIndependent);
  if (config.type === 'Metaspace') return (config.prepend_scheme ?? 'always') !== 'first';
  return POSITION_FREE.has(config.type);
}
