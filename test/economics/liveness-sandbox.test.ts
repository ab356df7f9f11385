// `agora sandbox --scenario liveness` (a slow end-to-end case: a market and two `agora host` processes): the market
// keeps serving through idle repricings and while one host is killed with SIGKILL under a load the other carries.
// A flag of the other scenario is refused.
import { describe, expect, it } from 'vitest';
import { agoraCli } from '../support/market-process.ts';

describe('agora sandbox --scenario liveness (slow, end to end)', () => {
  it('serves after idling, with the price at the hosts’ ask, and every request of a load during which a host is killed', async () => {
    const run = await agoraCli([
      'sandbox',
      '--scenario',
      'liveness',
      '--seed',
      '5',
      '--idle-repricings',
      '12',
      '--load-requests',
      '30',
    ]);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(line).toMatchObject({
      scenario: 'liveness',
      seed: 5,
      ok: true,
      first_status: 200,
      after_idle_status: 200,
      idle_repricings: 12,
      load_statuses: { '200': 30 },
    });
    // the price carries the usage-class prices too; its prompt and completion prices are the host's ask
    expect(line.price_after_idle).toMatchObject(line.host_ask as object);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/killed host_\w+ \(SIGKILL\)/);
  });

  it('refuses a flag that belongs to another scenario', async () => {
    const run = await agoraCli(['sandbox', '--scenario', 'liveness', '--cheat', 'q4_0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--cheat does not apply to --scenario liveness/);
  });
});
