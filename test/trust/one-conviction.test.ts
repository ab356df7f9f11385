// One offence convicts once: samples of a cheater's answers queued before its conviction and scored after it fail
// too, but a conviction already refunded those answers, so they are recorded as checks and convict no one again.
import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../src/main/sandbox.ts';
import { TEST_MODEL_CACHE } from '../support/model-cache-dir.ts';

describe('conviction', () => {
  it('is not repeated for failed checks of answers a conviction already refunded', async () => {
    const lines: string[] = [];
    await runSandbox({
      cheat: 'q8_0',
      seed: 11,
      honestHosts: 1,
      maxRequests: 150,
      // Many requests in flight when the conviction lands: their samples are still queued behind it.
      concurrency: 8,
      modelCacheDir: TEST_MODEL_CACHE,
      say: (line) => lines.push(line),
      async inspect({ market, cheaters }) {
        const hostId = cheaters[0]!.hostId;
        const convictions = await market.verification.hostConvictions(hostId);
        expect(convictions).toHaveLength(1);
        const convictedAt = convictions[0]!.createdAtMs;
        const later = (await market.verification.hostChecks(hostId, 1000)).filter((c) => c.createdAtMs > convictedAt);
        // The case this test is about happened: checks of the cheater were made after its conviction, and failed.
        expect(later.some((c) => !c.verdict.passed)).toBe(true);
      },
    });
    expect(lines.filter((l) => l.startsWith('CONVICTED'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('answers already refunded by its conviction: no new evidence'))).toBe(true);
  }, 180_000);
});
