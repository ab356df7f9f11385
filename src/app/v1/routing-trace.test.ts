import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../test/support/manual-time.ts';
import { DEFAULT_BOND_RULES } from '../../domain/economics/bonds.ts';
import { Cancellation } from '../cancellation.ts';
import { UpstreamError, type UpstreamResponse } from '../ports.ts';
import { raceHosts, type RaceDeps } from './host-race.ts';
import { createHostRouter } from './host-router.ts';
import type { ModelRoute } from './market-catalog.ts';
import { RoutingTrace } from './routing-trace.ts';

// Only the host's id and maintenance windows matter to the race and the router's bookkeeping.
const route = (id: string) => ({ host: { id, maintenance: [] } }) as unknown as ModelRoute;
const model = { id: 'm', digest: 'sha256:abc', quantization: 'Q8_0' };
const price = { promptNanos: 100n, completionNanos: 250n, cachedPromptNanos: 25n, reasoningNanos: 250n };
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A race on a hand-driven clock: each host answers (or fails) after its own delay; the hedge goes out after 50 ms. */
function race(hosts: Record<string, { afterMs: number; fails?: boolean }>, trace: RoutingTrace | undefined) {
  const time = createManualTime({ virtual: true });
  const router = {
    ...createHostRouter({
      clock: time.clock,
      random: time.random,
      heartbeatIntervalMs: 1_000,
      bonds: DEFAULT_BOND_RULES,
    }),
    hedgeDelayMs: () => 50,
    spendHedge: () => true,
  };
  const deps: RaceDeps = {
    router,
    scheduler: time.scheduler,
    send: (call) =>
      new Promise<UpstreamResponse>((resolve, reject) => {
        const host = hosts[call.baseUrl]!;
        time.scheduler.after(host.afterMs, () =>
          host.fails ? reject(new UpstreamError('status', 'busy', 500)) : resolve({ kind: 'json' } as UpstreamResponse),
        );
      }),
    blamesRequest: () => false,
    onHostFailed: () => {},
  };
  const query = { modelId: 'm', routes: [], affinityKey: undefined };
  const winner = raceHosts(
    deps,
    query,
    Object.keys(hosts).map(route),
    (r) => ({
      baseUrl: r.host.id,
      bearer: null,
      requestId: 'r',
      path: '/v1/chat/completions',
      body: {},
      stream: false,
    }),
    { signal: new Cancellation(), hedge: true, trace },
  );
  return { time, winner };
}

describe('routing trace', () => {
  it('records a hedge: the slow first host outpaced, the copy served, its timings, the SKU and locked price', async () => {
    const trace = new RoutingTrace();
    const { time, winner } = race({ slow: { afterMs: 500 }, quick: { afterMs: 10 } }, trace);
    await flush();
    await time.advance(50);
    await flush();
    await time.advance(10);
    const won = await winner;
    expect(won.route.host.id).toBe('quick');
    expect(trace.view()).toMatchObject({
      hosts: [
        { host: 'slow', outcome: 'outpaced', hedge: false, first_byte_ms: null, ms: 60 },
        { host: 'quick', outcome: 'running', hedge: true },
      ],
      hedged: true,
      sku: null,
      verification: null,
    });
    await time.advance(5);
    won.attempt.finish('ok', 3);
    trace.served(won.attempt, model, price, ['not_drawn']);
    expect(trace.view()).toEqual({
      hosts: [
        { host: 'slow', outcome: 'outpaced', hedge: false, first_byte_ms: null, ms: 60 },
        { host: 'quick', outcome: 'served', hedge: true, first_byte_ms: 10, ms: 15 },
      ],
      hedged: true,
      model: 'm',
      sku: { digest: 'sha256:abc', quantization: 'Q8_0' },
      price: { prompt: '0.0000001', completion: '0.00000025' },
      verification: ['not_drawn'],
    });
  });

  it('records a host that failed before the next one served, without a hedge', async () => {
    const trace = new RoutingTrace();
    const { time, winner } = race({ down: { afterMs: 5, fails: true }, up: { afterMs: 20 } }, trace);
    await flush();
    await time.advance(5);
    await flush();
    await time.advance(20);
    const won = await winner;
    trace.served(won.attempt, model, price, ['kept']);
    expect(trace.view().hosts).toEqual([
      { host: 'down', outcome: 'failed', hedge: false, first_byte_ms: null, ms: 5 },
      { host: 'up', outcome: 'served', hedge: false, first_byte_ms: 20, ms: 20 },
    ]);
    expect(trace.view()).toMatchObject({ hedged: false, verification: ['kept'] });
  });
});
