// Adapts the built-in engine to the verification experiments: generation of a fixed number of positions
// (end-of-generation ignored), each with its top-k — greedy for the distance table, greedy or sampled for
// calibration (which also renders the chat itself, as a host's engine does).
import type { AnswerRequest, CalibrationHost } from '../../../app/verification/calibrate-honest-floor.ts';
import type { GeneratedPosition, HostUnderTest } from '../../../app/verification/measure-substitute-distance.ts';
import type { LlamaEngine } from './llama-engine.ts';

async function generatePositions(
  engine: LlamaEngine,
  promptIds: readonly number[],
  { maxTokens, topK, temperature, seed }: AnswerRequest,
): Promise<GeneratedPosition[]> {
  const positions: GeneratedPosition[] = [];
  const events = engine.generate({ promptIds, maxTokens, topK, temperature, topP: 1, seed, stop: [], ignoreEos: true });
  for await (const event of events)
    if (event.type === 'token')
      positions.push({ id: event.token.id, logprob: event.token.logprob, top: event.token.top });
  return positions;
}

export function engineUnderTest(engine: LlamaEngine): HostUnderTest {
  return {
    generate: (promptIds, maxTokens, topK) =>
      generatePositions(engine, promptIds, { maxTokens, topK, temperature: 0, seed: 0 }),
  };
}

export function calibrationHost(engine: LlamaEngine): CalibrationHost {
  return {
    async answer(messages, request) {
      const promptIds = engine.tokenize(engine.renderChat(messages), { special: true });
      return { promptIds, positions: await generatePositions(engine, promptIds, request) };
    },
  };
}
