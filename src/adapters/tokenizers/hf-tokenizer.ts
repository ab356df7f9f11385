// Market-side metering: the model's own tokenizer (@huggingface/tokenizers) and chat template
// (@huggingface/jinja), so prompt tokens are counted by the market, not taken from a host's word.
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';

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
  const tokenizerJson = JSON.parse(await readFile(tokenizerJsonPath, 'utf8')) as object;
  const config = JSON.parse(await readFile(tokenizerConfigPath, 'utf8')) as { chat_template?: string };
  const tokenizer = new Tokenizer(tokenizerJson, config);
  const template = new Template(config.chat_template ?? '');
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    decode(ids) {
      if (ids.length === 0) return '';
      return ids.every((id) => tokenizer.id_to_token(id) !== undefined) ? tokenizer.decode([...ids]) : undefined;
    },
    renderChat: (messages) => template.render({ messages, add_generation_prompt: true }),
  };
}
