import { describe, expect, it } from 'vitest';
import { ENGINE_CAPABILITIES, firstUnsupportedParameter } from './engine-capabilities.ts';

describe('parameters an engine cannot honour', () => {
  it('names a parameter the engine lacks only when the request uses it beyond the default', () => {
    const ollama = ENGINE_CAPABILITIES.ollama;
    expect(firstUnsupportedParameter(ollama, { model: 'm', n: 3 })).toBe('n');
    expect(firstUnsupportedParameter(ollama, { model: 'm', n: 1, logprobs: false, logit_bias: null })).toBeUndefined();
    expect(firstUnsupportedParameter(ollama, { echo: true })).toBe('echo');
    expect(firstUnsupportedParameter(ENGINE_CAPABILITIES.vllm, { n: 8, echo: true })).toBeUndefined();
  });
});
