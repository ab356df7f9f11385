// Token bytes read from a vocabulary as llama.cpp writes its pieces: byte-level BPE symbols map back to their bytes,
// SentencePiece byte-fallback tokens are one byte, control tokens are nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toByteLevel } from '../tiny-model/byte-level.ts';
import { endsInsideCharacter, tokenBytesOf } from './token-bytes.ts';

const utf8 = (text: string) => [...new TextEncoder().encode(text)];

describe('token bytes', () => {
  it('byte-level BPE: a symbol string maps back to the bytes it was made from', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        const bytes = tokenBytesOf({ kind: 'bpe', tokens: [toByteLevel(text)] });
        expect([...(bytes?.(0) ?? [])]).toEqual(utf8(text));
      }),
    );
  });

  it('SentencePiece: byte tokens are their byte, ▁ is a space, control tokens are empty', () => {
    const bytes = tokenBytesOf({ kind: 'spm', tokens: ['<0xE2>', '▁caf', '<s>', '<0x82>'], types: [6, 1, 3, 6] });
    expect([0, 1, 2, 3].map((id) => [...(bytes?.(id) ?? [])])).toEqual([[0xe2], utf8(' caf'), [], [0x82]]);
    expect(endsInsideCharacter(bytes!, [1, 0, 3, 2])).toBe(true);
    expect(endsInsideCharacter(bytes!, [1, 0])).toBe(true);
    expect(endsInsideCharacter(bytes!, [1])).toBe(false);
  });

  it('reads no other vocabulary kind (the engine then has only its text)', () => {
    expect(tokenBytesOf({ kind: 'wpm', tokens: ['a'] })).toBeUndefined();
  });
});
