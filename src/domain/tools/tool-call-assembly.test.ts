import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readToolCalls, ToolCallAssembly } from './tool-call-assembly.ts';

const call = (index: number, name: string, args: string) => ({
  index,
  id: `call_${index}`,
  type: 'function',
  function: { name, arguments: args },
});

describe('the tool-call reader', () => {
  it('reads a JSON message: calls in order, arguments as written', () => {
    const read = readToolCalls([
      { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      { id: 'b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    expect(read).toEqual({
      malformed: false,
      calls: [
        { index: 0, id: 'a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { index: 1, id: 'b', name: 'get_time', arguments: '{}' },
      ],
    });
  });

  it('assembles streamed fragments by index into what the whole message says, however the arguments are cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('get_weather', 'lookup'), fc.json()), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (specs, cuts) => {
          const whole = specs.map(([name, args], i) => call(i, name, args));
          const stream = new ToolCallAssembly();
          for (const [i, [name, args]] of specs.entries()) {
            stream.add([{ index: i, id: `call_${i}`, type: 'function', function: { name, arguments: '' } }]);
            const points = [...new Set(cuts.map((c) => c % (args.length + 1)))].sort((a, b) => a - b);
            let from = 0;
            for (const to of [...points, args.length]) {
              stream.add([{ index: i, function: { arguments: args.slice(from, to) } }]);
              from = to;
            }
          }
          expect(stream.calls()).toEqual(readToolCalls(whole).calls);
          expect(stream.argumentsText()).toBe(specs.map(([, a]) => a).join(''));
          expect(stream.malformed).toBe(false);
        },
      ),
    );
  });

  it('marks fragments out of the wire format malformed instead of guessing', () => {
    expect(readToolCalls('nope').malformed).toBe(true);
    expect(readToolCalls([42]).malformed).toBe(true);
    expect(readToolCalls([{ index: 1e9, function: { arguments: '{}' } }])).toEqual({ calls: [], malformed: true });
    expect(readToolCalls([{ function: { name: 'f', arguments: { city: 'Oslo' } } }])).toMatchObject({
      malformed: true,
      calls: [{ name: 'f', arguments: '' }],
    });
    expect(readToolCalls([{ type: 'code', function: { name: 'f', arguments: '{}' } }]).malformed).toBe(true);
    expect(readToolCalls(undefined)).toEqual({ calls: [], malformed: false });
  });
});
