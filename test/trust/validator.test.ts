// `agora validator` re-scores what the market queued, from the database alone: a market whose gateway runs no
// verifier keeps sampled answers; the validator, run on its data, records their checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { CheckEvent } from '../../src/app/verification/verifier.ts';
import { runValidator } from '../../src/main/validator.ts';
import { postChat } from '../support/chat-request.ts';
import { TEST_MODEL_CACHE } from '../support/model-cache-dir.ts';
import { fundedBuyer, startTestMarket } from '../support/test-market.ts';

it('re-scores the queued samples of a market from its database, outside the gateway', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-validator-'));
  try {
    const market = await startTestMarket({ dataDir, verification: { samplingFloor: 0.02, workerIntervalMs: 0 } });
    const hostId = market.hosts[0]!.hostId;
    try {
      const buyer = await fundedBuyer(market, '1');
      for (let i = 0; i < 6; i++)
        expect((await postChat(market.url, buyer.key, { max_tokens: 64, temperature: 0 })).status).toBe(200);
      await market.flushBilling();
      await expect.poll(async () => (await market.verification.unscoredSamples(10)).length).toBe(6);
    } finally {
      await market.stop();
    }
    const checks: CheckEvent[] = [];
    await runValidator(
      { dataDir, databaseUrl: market.databaseUrl },
      {
        modelCacheDir: TEST_MODEL_CACHE,
        intervalMs: 60_000,
        once: true,
        stopped: Promise.resolve(),
        onCheck: (e) => checks.push(e),
      },
    );
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((c) => c.hostId === hostId && c.verdict.passed && c.verdict.positions >= 48)).toBe(true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
