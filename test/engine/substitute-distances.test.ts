// Teacher-forced verification separates the honest host from every substitute on the generated model family:
// the reference itself sits at the floor, F16 stays under the threshold, Q8_0 and anything heavier are above it.
import { describe, expect, it } from 'vitest';
import { formatDistanceTable, measureDistanceTable } from '../../src/adapters/engines/builtin/distance-table.ts';
import { HONEST_MEAN_TV_THRESHOLD } from '../../src/domain/verification/thresholds.ts';
import { TEST_MODEL_CACHE } from '../support/model-cache-dir.ts';

describe('substitute detection distances', () => {
  it('reference at the floor, F16 within tolerance, every heavier substitute clearly above', async () => {
    const rows = await measureDistanceTable(TEST_MODEL_CACHE, { maxTokens: 48, topK: 5 });
    console.info(`\n${formatDistanceTable(rows)}\n`);
    const tv = Object.fromEntries(rows.map((r) => [r.variant, r.report.meanTv]));
    for (const row of rows) expect(row.report.positions).toBe(288);
    expect(tv.reference).toBeLessThan(HONEST_MEAN_TV_THRESHOLD / 10);
    expect(tv.f16).toBeLessThan(HONEST_MEAN_TV_THRESHOLD);
    for (const substitute of ['q8_0', 'q4_0', 'fewer-layers', 'noise', 'other-seed']) {
      expect(tv[substitute], substitute).toBeGreaterThan(HONEST_MEAN_TV_THRESHOLD);
    }
  }, 180_000);
});
