import { describe, expect, it } from 'vitest';
import { plannedToolCalls, type ToolChoiceInput } from './tool-choice-rule.ts';

const base: ToolChoiceInput = {
  toolNames: ['get_weather', 'get_time', 'get'],
  toolChoice: undefined,
  parallelToolCalls: undefined,
  last: { role: 'user', text: 'first get_time, then get_weather' },
};

describe('the built-in tool-choice rule', () => {
  it('auto calls the tools the last user message names as whole words, in its order', () => {
    expect(plannedToolCalls(base)).toEqual(['get_time', 'get_weather']);
    expect(plannedToolCalls({ ...base, toolChoice: 'auto', parallelToolCalls: false })).toEqual(['get_time']);
    expect(plannedToolCalls({ ...base, last: { role: 'user', text: 'get it' } })).toEqual(['get']);
    expect(plannedToolCalls({ ...base, last: { role: 'user', text: 'nothing here: get_weathers' } })).toEqual([]);
  });

  it('answers in text after a tool result, with none, and without tools', () => {
    expect(plannedToolCalls({ ...base, last: { role: 'tool', text: 'get_weather said 3' } })).toEqual([]);
    expect(plannedToolCalls({ ...base, toolChoice: 'none' })).toEqual([]);
    expect(plannedToolCalls({ ...base, toolNames: [] })).toEqual([]);
    expect(plannedToolCalls({ ...base, last: undefined })).toEqual([]);
  });

  it('required falls back to the first tool; a named choice calls that function', () => {
    expect(plannedToolCalls({ ...base, toolChoice: 'required', last: { role: 'tool', text: '' } })).toEqual([
      'get_weather',
    ]);
    expect(plannedToolCalls({ ...base, toolChoice: { type: 'function', function: { name: 'get' } } })).toEqual(['get']);
  });
});
