// An SSE event's data as the engine client reads it: the values of its `data:` lines, as the SSE format joins them.
import { describe, expect, it } from 'vitest';
import { dataOf } from './openai-engine-client.ts';

/** The reading by splitting into lines, which the engine client's in-place reading must match. */
const bySplitting = (event: string) =>
  event
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');

describe("an SSE event's data", () => {
  it('is the data lines joined, leading spaces dropped, CRLF or LF, comments and other fields skipped', () => {
    const events = [
      'data: {"a":1}\n\n',
      'data:{"a":1}\r\n\r\n',
      'data: [DONE]\n\n',
      ': a comment\ndata: x\n\n',
      'event: message\nid: 3\ndata: one\ndata:  two\n\n',
      'data: one\r\ndata: two\r\n\r\n',
      'data:\n\n',
      'data: \r\n\r\n',
      ': receipt sig=abc\n\n',
      'retry: 10\n\n',
      'data: a\rb\n\n',
      'data: trailing \n\n',
      ' data: not a field\n\n',
      'DATA: upper\n\n',
      '\n\n',
    ];
    for (const event of events) expect(dataOf(event), JSON.stringify(event)).toBe(bySplitting(event));
  });
});
