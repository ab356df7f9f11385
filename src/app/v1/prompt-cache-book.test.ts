import { describe, expect, it } from 'vitest';
import { createPromptCacheBook, PROMPT_CACHE_TTL_MS } from './prompt-cache-book.ts';

describe('prompt cache book', () => {
  it('attributes a shared prefix only to the same host, under the same attribution, within the TTL', () => {
    let nowMs = 0;
    const book = createPromptCacheBook({ nowMs: () => nowMs });
    expect(book.attribute('key-a/conv', 'h1', [1, 2, 3, 4])).toBe(0);
    expect(book.attribute('key-a/conv', 'h1', [1, 2, 3, 4, 5, 6])).toBe(4);
    // another attribution (another buyer's key) sending the same prompt to the same host gets nothing
    expect(book.attribute('key-b/conv', 'h1', [1, 2, 3, 4, 5, 6])).toBe(0);
    // another host has not seen the prompt; after it, the first host's prompt is no longer the attribution's last
    expect(book.attribute('key-a/conv', 'h2', [1, 2, 3, 4, 5, 6, 7])).toBe(0);
    expect(book.attribute('key-a/conv', 'h1', [1, 2, 3, 4, 5, 6, 7])).toBe(0);
    nowMs += PROMPT_CACHE_TTL_MS;
    expect(book.attribute('key-a/conv', 'h1', [1, 2, 3, 4, 5, 6, 7, 8])).toBe(7);
    nowMs += PROMPT_CACHE_TTL_MS + 1;
    expect(book.attribute('key-a/conv', 'h1', [1, 2, 3, 4, 5, 6, 7, 8])).toBe(0);
  });
});
