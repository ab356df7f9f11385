// Text deltas over tokens that are arbitrary byte chunks (what byte-level BPE produces): the streamed text never
// carries a U+FFFD for half a character, and whatever the cut, it adds up to the longest complete prefix.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTextDelta } from './text-delta.ts';
import { incompleteUtf8Tail } from './utf8-tail.ts';

/** A byte vocabulary made of the chunks themselves: token i is chunks[i], decoded the way the engine does (WHATWG). */
function chunkedEngine(chunks: readonly Uint8Array[]) {
  const bytesOf = (ids: readonly number[]) => Uint8Array.from(ids.flatMap((id) => [...(chunks[id] as Uint8Array)]));
  return {
    decode: (ids: readonly number[]) => new TextDecoder().decode(bytesOf(ids)),
    endsInsideCharacter: (ids: readonly number[]) => incompleteUtf8Tail(bytesOf(ids)) > 0,
    bytesOf,
  };
}

/** A string's UTF-8 bytes cut at arbitrary points. */
const chunkedText = fc
  .tuple(
    fc.string({
      unit: fc.oneof(
        fc.constantFrom('a', ' ', 'é', '€', '中', '🚀', '\uFFFD'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 12,
    }),
    fc.array(fc.nat(), { maxLength: 12 }),
  )
  .map(([text, cuts]) => {
    const bytes = new TextEncoder().encode(text);
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const edges = [0, ...points, bytes.length];
    return { text, chunks: edges.slice(1).map((end, i) => bytes.subarray(edges[i], end)) };
  });

const replacements = (text: string) => [...text].filter((c) => c === '\uFFFD').length;

describe('text deltas', () => {
  it('stream whole characters only and add up to the longest complete prefix wherever the answer is cut', () => {
    fc.assert(
      fc.property(chunkedText, fc.nat(), ({ text, chunks }, cutSeed) => {
        const engine = chunkedEngine(chunks);
        const delta = createTextDelta(engine.decode, [], engine.endsInsideCharacter);
        const produced = cutSeed % (chunks.length + 1);
        const ids = chunks.slice(0, produced).map((_, i) => i);
        let streamed = '';
        for (const id of ids) {
          const step = delta.push(id);
          streamed += step.text;
          // each delta so far is the decode of a complete prefix: no U+FFFD beyond the input's own
          expect(replacements(streamed)).toBeLessThanOrEqual(replacements(text));
        }
        streamed += delta.flush().text;
        const bytes = engine.bytesOf(ids);
        const complete = new TextDecoder().decode(bytes.subarray(0, bytes.length - incompleteUtf8Tail(bytes)));
        expect(streamed).toBe(complete);
        expect(text.startsWith(streamed)).toBe(true);
        if (produced === chunks.length) expect(streamed).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a real U+FFFD the model wrote last, since its bytes are whole', () => {
    const engine = chunkedEngine([new TextEncoder().encode('ok \uFFFD')]);
    const delta = createTextDelta(engine.decode, [], engine.endsInsideCharacter);
    expect(delta.push(0).text + delta.flush().text).toBe('ok \uFFFD');
  });

  it('drops half a character at the end instead of sending U+FFFD (max_tokens 1 on a lead byte)', () => {
    const engine = chunkedEngine([Uint8Array.of(0xe2), Uint8Array.of(0x82, 0xac)]);
    const cut = createTextDelta(engine.decode, [], engine.endsInsideCharacter);
    expect([cut.push(0).text, cut.flush().text]).toEqual(['', '']);
    const whole = createTextDelta(engine.decode, [], engine.endsInsideCharacter);
    expect([whole.push(0).text, whole.push(1).text, whole.flush().text]).toEqual(['', '€', '']);
  });
});
