// `agora sim` from the command line: the scenarios are data files, every attack's verdict (and the liveness
// scenario's) holds for the seeds we chose under the default rules, each run writes its JSON and HTML and ends with the JSON line; a scenario file
// added to a folder runs without code, and a broken one is named with what is wrong.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agoraCli } from '../support/market-process.ts';

const out = mkdtempSync(join(tmpdir(), 'agora-sim-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

type ResultLine = {
  scenario: string;
  seed: number;
  attack_profitable: boolean;
  attacker_profit: string;
  honest_profit: string;
  detected_at: number | null;
};
const lastLine = (stdout: string): ResultLine => JSON.parse(stdout.trim().split('\n').at(-1) as string) as ResultLine;

describe('agora sim', () => {
  it('lists the bundled scenarios', async () => {
    const listed = await agoraCli(['sim', '--list']);
    expect(listed.code).toBe(0);
    for (const name of ['substitute', 'selective', 'sybil', 'wash-trader', 'griefer', 'idle-then-burst'])
      expect(listed.stdout).toMatch(new RegExp(`^${name} `, 'm'));
  });

  it.each([
    ['substitute', 11],
    ['selective', 12],
    ['sybil', 13],
    ['wash-trader', 14],
    ['griefer', 15],
  ])(
    '%s with seed %i: the attack does not pay, and cheaters are caught within the first hour',
    async (scenario, seed) => {
      const run = await agoraCli(['sim', 'run', scenario, '--seed', String(seed), '--out', out]);
      expect(run.code).toBe(0);
      const line = lastLine(run.stdout);
      expect(line).toMatchObject({ scenario, seed, attack_profitable: false });
      expect(Number(line.attacker_profit)).toBeLessThan(Number(line.honest_profit));
      if (['substitute', 'selective', 'sybil'].includes(scenario)) expect(line.detected_at).toBeLessThanOrEqual(60);
      if (scenario === 'griefer') expect(line.detected_at).not.toBeNull();
      const written = JSON.parse(readFileSync(join(out, `${scenario}-seed${seed}.json`), 'utf8')) as {
        series: Array<{ prompt_price: string; utilization: number }>;
      };
      expect(written.series).toHaveLength(1440);
      expect(readFileSync(join(out, `${scenario}-seed${seed}.html`), 'utf8')).toContain('<svg');
      expect(run.stderr).toMatch(/100% \(tick 1440\/1440\)/);
    },
  );

  it('idle-then-burst: hours of idle then a burst above capacity; no request is refused for price and utilization comes back into its band', async () => {
    const run = await agoraCli(['sim', 'run', 'idle-then-burst', '--seed', '21', '--out', out]);
    expect(run.code).toBe(0);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as {
      ok: boolean;
      refused_for_price: number;
      refused_for_capacity: number;
      utilization_after_burst: number;
      band: { low: number; high: number };
    };
    expect(line).toMatchObject({ scenario: 'idle-then-burst', seed: 21, ok: true, refused_for_price: 0 });
    expect(line.utilization_after_burst).toBeGreaterThanOrEqual(line.band.low);
    expect(line.utilization_after_burst).toBeLessThanOrEqual(line.band.high);
    // The burst starts above capacity: until the price catches up, full hosts refuse (honestly, for capacity).
    expect(line.refused_for_capacity).toBeGreaterThan(0);
    const written = JSON.parse(readFileSync(join(out, 'idle-then-burst-seed21.json'), 'utf8')) as {
      series: Array<{ prompt_price: string }>;
    };
    const prices = written.series.map((p) => Number(p.prompt_price));
    // Idle hours hold the price at the hosts' ask (the base), not below it; the burst lifts it.
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(0.0000001);
    expect(Math.max(...prices)).toBeGreaterThan(0.0000002);
  });

  it('runs a scenario added as a file, and names what is wrong with a broken one', async () => {
    const dir = mkdtempSync(join(out, 'scenarios-'));
    const bundled = JSON.parse(
      readFileSync(new URL('../../sim/scenarios/substitute.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    writeFileSync(join(dir, 'short.json'), JSON.stringify({ ...bundled, name: 'short', ticks: 120 }));
    const run = await agoraCli(['sim', '--scenarios', dir, 'run', 'short', '--seed', '3', '--out', out]);
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toMatchObject({ scenario: 'short', seed: 3, attack_profitable: false });
    expect(existsSync(join(out, 'short-seed3.html'))).toBe(true);

    writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...bundled, name: 'broken', attacker: 'nobody' }));
    const broken = await agoraCli(['sim', '--scenarios', dir, 'run', 'short']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json: attacker: attacker must name a host group/);
  });
});
