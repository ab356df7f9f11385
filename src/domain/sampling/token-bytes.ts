// The raw bytes of a token, read from its vocabulary entry the way llama.cpp's `token_to_piece` does: a token can be
// part of a character (byte-level BPE splits "€" into three tokens), and its text from the engine is already U+FFFD,
// so only its bytes tell half a character from a real U+FFFD the model wrote.
import { BYTE_TO_CHAR } from '../tiny-model/byte-level.ts';
import { incompleteUtf8Tail } from './utf8-tail.ts';

/** GGUF `tokenizer.ggml.token_type` values (llama.cpp `llama_token_type`). */
const TOKEN_TYPE = { unknown: 2, control: 3, userDefined: 4, byte: 6 } as const;

export type Vocabulary = {
  /** llama.cpp's vocabulary kind: "bpe" (GPT-2 byte-level) or "spm" (SentencePiece with byte fallback) */
  kind: string;
  tokens: readonly string[];
  /** per-token type; absent entries are normal tokens */
  types?: readonly number[];
};

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));

function byteLevelBytes(text: string): Uint8Array {
  const chars = [...text];
  const bytes = chars.map((char) => CHAR_TO_BYTE.get(char));
  // A symbol outside the byte alphabet is not a byte-level piece: llama.cpp writes such text as it is.
  return bytes.every((b) => b !== undefined) ? Uint8Array.from(bytes) : utf8(text);
}

/**
 * A function from token id to its bytes, or undefined for a vocabulary kind whose pieces are not read here (the
 * caller then has only the engine's text).
 */
export function tokenBytesOf(vocabulary: Vocabulary): ((id: number) => Uint8Array) | undefined {
  if (vocabulary.kind !== 'bpe' && vocabulary.kind !== 'spm') return undefined;
  const spm = vocabulary.kind === 'spm';
  return (id) => {
    const text = vocabulary.tokens[id] ?? '';
    const type = vocabulary.types?.[id];
    if (type === TOKEN_TYPE.control) return new Uint8Array(0);
    if (type === TOKEN_TYPE.userDefined) return utf8(text);
    if (spm && type === TOKEN_TYPE.byte) return Uint8Array.of(Number.parseInt(text.slice(3, -1), 16));
    if (spm && type === TOKEN_TYPE.unknown) return utf8('\u2585');
    return spm ? utf8(text.replaceAll('\u2581', ' ')) : byteLevelBytes(text);
  };
}

/** Whether the bytes of these tokens end inside a character (only the last three bytes can say). */
export function endsInsideCharacter(tokenBytes: (id: number) => Uint8Array, ids: readonly number[]): boolean {
  const pieces: Uint8Array[] = [];
  let length = 0;
  for (let i = ids.length - 1; i >= 0 && length < 3; i--) {
    const piece = tokenBytes(ids[i] as number);
    pieces.unshift(piece);
    length += piece.length;
  }
  const tail = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    tail.set(piece, at);
    at += piece.length;
  }
  return incompleteUtf8Tail(tail) > 0;
}
