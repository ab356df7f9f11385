// The held tail agrees with the WHATWG decoder (Node's TextDecoder): in streaming mode it keeps back exactly the
// bytes counted here, so a stream cut there loses nothing that could still become a character.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incompleteUtf8Tail } from './utf8-tail.ts';

const bytesOf = (text: string) => new TextEncoder().encode(text);
// Bytes near the edges of the UTF-8 ranges, so invalid seconds (E0 80, ED A0, F4 90) come up often.
const edgyByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5),
);

describe('incomplete UTF-8 tail', () => {
  it('counts the bytes a streaming WHATWG decoder holds back, for any bytes', () => {
    fc.assert(
      fc.property(fc.array(edgyByte, { maxLength: 12 }), (list) => {
        const bytes = Uint8Array.from(list);
        const held = incompleteUtf8Tail(bytes);
        const streamed = new TextDecoder().decode(bytes, { stream: true });
        expect(streamed).toBe(new TextDecoder().decode(bytes.subarray(0, bytes.length - held)));
      }),
      { numRuns: 3000 },
    );
  });

  it('holds every proper prefix of a character and nothing after a whole one', () => {
    for (const char of ['é', '€', '中', '🚀', '\u{10FFFF}', '\uFFFD']) {
      const bytes = bytesOf(char);
      for (let cut = 1; cut < bytes.length; cut++) expect(incompleteUtf8Tail(bytes.subarray(0, cut))).toBe(cut);
      expect(incompleteUtf8Tail(bytes)).toBe(0);
    }
  });

  it('never holds a prefix no byte can complete (surrogates, overlongs, past U+10FFFF)', () => {
    for (const bytes of [[0xed, 0xa0], [0xe0, 0x80], [0xf4, 0x90], [0xf0, 0x80], [0xc0], [0xf5], [0x80]]) {
      expect(incompleteUtf8Tail(Uint8Array.from(bytes))).toBe(0);
    }
  });
});
