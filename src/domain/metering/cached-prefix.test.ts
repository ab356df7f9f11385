import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cachedPrefixTokens } from './cached-prefix.ts';

describe('cached prefix', () => {
  it('is the shared leading tokens, never the whole prompt', () => {
    expect(cachedPrefixTokens(undefined, [1, 2, 3])).toBe(0);
    expect(cachedPrefixTokens([1, 2, 9, 4], [1, 2, 3, 4])).toBe(2);
    expect(cachedPrefixTokens([1, 2], [1, 2, 3, 4])).toBe(2);
    expect(cachedPrefixTokens([1, 2, 3], [1, 2, 3])).toBe(2);
    expect(cachedPrefixTokens([1, 2, 3, 4], [1, 2])).toBe(1);
    expect(cachedPrefixTokens([7], [])).toBe(0);
  });

  it('stays below the prompt length and counts only a common prefix', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5)), fc.array(fc.nat(5)), (previous, prompt) => {
        const cached = cachedPrefixTokens(previous, prompt);
        expect(cached).toBeLessThanOrEqual(Math.max(0, prompt.length - 1));
        expect(prompt.slice(0, cached)).toEqual(previous.slice(0, cached));
      }),
    );
  });
});
