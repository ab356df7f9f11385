// GPT-2 byte-level alphabet: every byte maps to one printable Unicode character, so BPE works on text of any
// bytes and llama.cpp's "gpt2" tokenizer and Hugging Face's ByteLevel pre-tokenizer agree on the symbols.

function buildByteToChar(): string[] {
  const printable: number[] = [];
  const ranges: [number, number][] = [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ];
  for (const [from, to] of ranges) for (let b = from; b <= to; b++) printable.push(b);
  const table: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** The GPT-2 pre-tokenizer split (llama.cpp `tokenizer.ggml.pre = "gpt-2"`, HF ByteLevel `use_regex: true`). */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export function toByteLevel(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += BYTE_TO_CHAR[byte];
  return out;
}

export function preTokenize(text: string): string[] {
  return (text.match(GPT2_SPLIT) ?? []).map(toByteLevel);
}
