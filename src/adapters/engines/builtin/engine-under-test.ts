// Adapts the built-in engine to the verification experiment: greedy generation of a fixed number of positions
// (end-of-generation ignored), each with its top-k.
import type { CalibrationHost } from '../../../app/verification/calibrate-honest-floor.ts';
import type { GeneratedPosition, HostUnderTest } from '../../../app/verification/measure-substitute-distance.ts';
import type { LlamaEngine } from './llama-engine.ts';

export function engineUnderTest(engine: LlamaEngine): HostUnderTest {
  return {
    async generate(promptIds, maxTokens, topK) {
      const positions: GeneratedPosition[] = [];
      const events = engine.generate({
        promptIds,
        maxTokens,
        topK,
        temperature: 0,
        topP: 1,
        seed: 0,
        stop: [],
        ignoreEos: true,
      });
      for await (const event of events) {
        if (event.type === 'token')
          positions.push({ id: event.token.id, logprob: event.token.logprob, top: event.token.top });
      }
      return positions;
    },
  };
}

/** The built-in engine as an honest host under calibration: greedy chat answers of a fixed number of positions. */
export function calibrationHost(engine: LlamaEngine): CalibrationHost {
  const host = engineUnderTest(engine);
  return {
    async answer(messages, maxTokens, topK) {
      const promptIds = engine.tokenize(engine.renderChat(messages), { special: true });
      return { promptIds, positions: await host.generate(promptIds, maxTokens, topK) };
    },
  };
}
