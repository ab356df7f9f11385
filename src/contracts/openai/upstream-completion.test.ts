import { describe, expect, it } from 'vitest';
import {
  completionKindOf,
  readUpstreamAnswer,
  readUpstreamChunk,
  upstreamErrorMessage,
} from './upstream-completion.ts';

// Chunks in the shapes the engines send them: llama.cpp server (chat logprobs with ids), vLLM-style usage chunks,
// and the built-in engine's completion logprobs with parallel id lists.
const chatChunk = (delta: object, extra: object = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'upstream',
  choices: [{ index: 0, delta, finish_reason: null, ...extra }],
});

describe('a host answer read once into typed events', () => {
  it('reads a chat delta with its text and token ids, keeping the chunk as sent', () => {
    const chunk = chatChunk(
      { content: 'Hi' },
      {
        logprobs: {
          content: [{ id: 7, token: 'Hi', logprob: -0.5, top_logprobs: [{ id: 7, logprob: -0.5 }, { id: 9 }] }],
        },
      },
    );
    expect(readUpstreamChunk('chat', chunk)).toEqual({
      type: 'choices',
      outputs: [
        {
          index: 0,
          text: 'Hi',
          tokens: [{ id: 7, logprob: -0.5, top: [{ id: 7, logprob: -0.5 }] }],
          finishReason: null,
        },
      ],
      wire: chunk,
    });
  });

  it('reads a bare role chunk without text or tokens, and a finishing chunk with why it stopped', () => {
    expect(readUpstreamChunk('chat', chatChunk({ role: 'assistant' }))).toMatchObject({
      type: 'choices',
      outputs: [{ text: '', tokens: [], finishReason: null }],
    });
    expect(readUpstreamChunk('chat', chatChunk({}, { finish_reason: 'stop' }))).toMatchObject({
      type: 'choices',
      outputs: [{ text: '', finishReason: 'stop' }],
    });
  });

  it('reads every choice of a chunk with its index (n > 1), an index that is not a count as 0', () => {
    const chunk = {
      choices: [
        { index: 2, delta: { content: 'b' }, finish_reason: null },
        { index: 1, delta: { content: 'a' }, finish_reason: 'stop' },
        { index: -1, delta: { content: 'c' }, finish_reason: null },
        { index: '3', text: 'd' },
      ],
    };
    expect(readUpstreamChunk('chat', chunk)).toMatchObject({
      type: 'choices',
      outputs: [
        { index: 2, text: 'b', finishReason: null },
        { index: 1, text: 'a', finishReason: 'stop' },
        { index: 0, text: 'c' },
        { index: 0, text: '' },
      ],
    });
  });

  it('makes the token ids unusable (undefined) when one is not an integer, so the market counts the text', () => {
    const chunk = chatChunk({ content: 'x' }, { logprobs: { content: [{ id: 1.5, logprob: -1 }] } });
    expect(readUpstreamChunk('chat', chunk)).toMatchObject({ outputs: [{ text: 'x', tokens: undefined }] });
  });

  it('reads completion logprobs from their parallel id lists, a missing logprob as NaN', () => {
    const chunk = {
      choices: [
        {
          text: 'ab',
          logprobs: { token_ids: [3, 4], token_logprobs: [-0.1], top_logprobs_ids: [[{ id: 3, logprob: -0.1 }]] },
          finish_reason: 'length',
        },
      ],
    };
    expect(readUpstreamChunk('text', chunk)).toMatchObject({
      type: 'choices',
      outputs: [
        {
          index: 0,
          text: 'ab',
          finishReason: 'length',
          tokens: [
            { id: 3, logprob: -0.1, top: [{ id: 3, logprob: -0.1 }] },
            { id: 4, logprob: Number.NaN, top: [] },
          ],
        },
      ],
    });
  });

  it("reads a chunk without choices as the host's usage claim, and skips one that carries nothing", () => {
    expect(readUpstreamChunk('chat', { choices: [], usage: { prompt_tokens: 3, completion_tokens: 5 } })).toEqual({
      type: 'usage',
      completionTokens: 5,
    });
    expect(readUpstreamChunk('chat', { choices: [], usage: { completion_tokens: 'five' } })).toEqual({
      type: 'usage',
      completionTokens: undefined,
    });
    expect(readUpstreamChunk('chat', { choices: [] })).toBeUndefined();
  });

  it('refuses what is not a completion at all', () => {
    expect(() => readUpstreamChunk('chat', { choices: 'many' })).toThrow();
    expect(() => readUpstreamAnswer('chat', [1, 2])).toThrow();
  });

  it("reads a JSON answer's choices and usage claim, keeping the body as sent", () => {
    const body = {
      id: 'x',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'length' },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 3 },
    };
    expect(readUpstreamAnswer('chat', body)).toEqual({
      body,
      answer: {
        choices: [
          { index: 0, text: 'Hello', tokens: [], finishReason: 'stop' },
          { index: 1, text: 'Hi', tokens: [], finishReason: 'length' },
        ],
        completionTokens: 3,
      },
    });
    expect(readUpstreamAnswer('text', {}).answer).toEqual({ choices: [], completionTokens: undefined });
  });

  it("reads the message of a host's error body, where it sent one", () => {
    expect(upstreamErrorMessage({ error: { message: 'grammar is not valid', type: 'invalid_request_error' } })).toBe(
      'grammar is not valid',
    );
    expect(upstreamErrorMessage('Bad Request')).toBeUndefined();
    expect(upstreamErrorMessage({ error: 'nope' })).toBeUndefined();
  });

  it('tells a chat path from a completion path', () => {
    expect(completionKindOf('/v1/chat/completions')).toBe('chat');
    expect(completionKindOf('/v1/completions')).toBe('text');
  });
});
