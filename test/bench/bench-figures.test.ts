// The bench's arithmetic: floor multiples paired by round, added latency over the floor, the regression guard of
// `npm run bench -- --check`, and quantiles of a histogram's growth between two scrapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baselineOf,
  histogramBuckets,
  histogramQuantile,
  regressions,
  summarize,
  type Run,
  type Target,
} from '../../bench/bench-figures.ts';

const run = (target: Target, round: number, cpu: number, p50: number): Run => ({
  round,
  scenario: 'closed:32',
  target,
  rps: 1000,
  p50Us: p50,
  p99Us: p50 * 2,
  ttfbP50Us: null,
  failures: 0,
  cpuUsPerRequest: cpu,
  databaseCpuUsPerRequest: null,
  chunksPerResponse: null,
  captureWaitMs: null,
});

describe('bench figures', () => {
  it('expresses a gateway as a multiple of the relay measured in the same round, median over rounds', () => {
    // Round 2 is busy for everyone: the multiple of that round is still 3.
    const runs = [
      run('direct', 1, 20, 500),
      run('relay', 1, 100, 900),
      run('postgres', 1, 300, 1500),
      run('direct', 2, 40, 1000),
      run('relay', 2, 200, 1800),
      run('postgres', 2, 600, 3000),
      run('direct', 3, 20, 500),
      run('relay', 3, 100, 900),
      run('postgres', 3, 500, 1400),
    ];
    const postgres = summarize(runs).find((s) => s.target === 'postgres')!;
    expect(postgres.cpuFloorMultiple).toBe(3);
    expect(postgres.bestCpuUsPerRequest).toBe(300);
    // added p50 per round: 1000, 2000, 900; the relay's: 400, 800, 400; over the floor: 600, 1200, 500
    expect(postgres.addedP50Us).toBe(1000);
    expect(postgres.addedP50OverFloorUs).toBe(600);
  });

  it('flags exactly the floor multiples more than the tolerance worse than the baseline', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        (before, now) => {
          const worse = regressions(
            { 'pglite closed:32 cpu_floor_multiple': before },
            { 'pglite closed:32 cpu_floor_multiple': now },
            0.25,
          );
          expect(worse.length === 1).toBe(now > before * 1.25);
        },
      ),
    );
    expect(regressions({}, { 'postgres closed:32 cpu_floor_multiple': 9 }, 0.25)).toEqual([]);
  });

  it('keeps only the gateways’ floor multiples in a baseline', () => {
    const runs = [run('direct', 1, 20, 500), run('relay', 1, 100, 900), run('pglite', 1, 800, 4000)];
    expect(baselineOf(summarize(runs))).toEqual({ 'pglite closed:32 cpu_floor_multiple': 8 });
  });

  it('takes quantiles of what a histogram gained between two scrapes, not of its whole life', () => {
    const text = (counts: number[]) =>
      ['0.001', '0.005', '0.01', '+Inf']
        .map((le, i) => `agora_wait_seconds_bucket{le="${le}"} ${counts[i]}`)
        .join('\n');
    const before = histogramBuckets(text([100, 100, 100, 100]), 'agora_wait_seconds');
    // 10 new observations: 5 in (0.001, 0.005], 5 in (0.005, 0.01]
    const after = histogramBuckets(text([100, 105, 110, 110]), 'agora_wait_seconds');
    expect(histogramQuantile(before, after, 0.5)).toBeCloseTo(0.005);
    expect(histogramQuantile(before, after, 0.99)).toBeCloseTo(0.005 + 0.005 * (4.9 / 5));
    expect(histogramQuantile(after, after, 0.5)).toBeNull();
  });
});
