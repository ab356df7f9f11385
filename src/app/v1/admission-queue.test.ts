import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAdmissionQueue, routesNow, type Admission, type AdmissionSlot } from './admission-queue.ts';
import type { ModelRoute } from './market-catalog.ts';
import { createManualTime } from '../../../test/support/manual-time.ts';

/** A queue on a hand-driven clock and timers, recording what it reports to the metrics. */
const rules = { queuePerSlot: 2, maxQueuePerSlot: 8, maxWaitMs: 10_000 };

function harness(maxWaitMs = rules.maxWaitMs) {
  const time = createManualTime({ virtual: true });
  const seen = { running: 0, queued: 0, maxRunning: 0, maxQueued: 0, shed: [] as string[] };
  const queue = createAdmissionQueue({
    clock: time.clock,
    scheduler: time.scheduler,
    rules: { ...rules, maxWaitMs },
    metrics: {
      load(_model, running, queued) {
        Object.assign(seen, {
          running,
          queued,
          maxRunning: Math.max(seen.maxRunning, running),
          maxQueued: Math.max(seen.maxQueued, queued),
        });
      },
      shed: (_model, reason) => void seen.shed.push(reason),
    },
  });
  return { queue, seen, advance: (ms: number) => time.advance(ms) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('admission queue', () => {
  it('runs up to the slots, queues up to twice the slots, sheds the rest at once, and grants freed slots first come first served', async () => {
    const { queue, seen } = harness();
    const granted: number[] = [];
    const outcomes: Admission[] = [];
    for (let i = 0; i < 10; i++) {
      void queue.admit('m', 2, new AbortController().signal).then((a) => {
        outcomes[i] = a;
        if (a.ok) granted.push(i);
      });
    }
    await flush();
    expect(granted).toEqual([0, 1]);
    expect(outcomes.filter((a) => !a.ok).map((a) => !a.ok && a.reason)).toEqual([
      'queue_full',
      'queue_full',
      'queue_full',
      'queue_full',
    ]);
    expect(seen).toMatchObject({
      running: 2,
      queued: 4,
      shed: ['queue_full', 'queue_full', 'queue_full', 'queue_full'],
    });
    for (let next = 0; next < 6; next++) {
      (outcomes[granted[next]!] as { slot: AdmissionSlot }).slot.release();
      await flush();
    }
    expect(granted).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen).toMatchObject({ running: 0, queued: 0 });
  });

  it('sheds a request that waited past the bound, and forgets one whose buyer left without counting it as shed', async () => {
    const { queue, seen, advance } = harness(5_000);
    const first = await queue.admit('m', 1, new AbortController().signal);
    const waiting = queue.admit('m', 1, new AbortController().signal);
    const leaving = new AbortController();
    const left = queue.admit('m', 1, leaving.signal);
    leaving.abort();
    expect(await left).toMatchObject({ ok: false, reason: 'client_closed' });
    await advance(5_000);
    expect(await waiting).toMatchObject({ ok: false, reason: 'wait_timeout' });
    expect(seen).toMatchObject({ running: 1, queued: 0, shed: ['wait_timeout'] });
    if (first.ok) first.slot.release();
    expect(seen.running).toBe(0);
  });

  it('starts waiting requests as soon as more slots come online', async () => {
    const { queue } = harness();
    await queue.admit('m', 1, new AbortController().signal);
    let started = false;
    void queue.admit('m', 1, new AbortController().signal).then((a) => (started = a.ok));
    await flush();
    expect(started).toBe(false);
    await queue.admit('m', 3, new AbortController().signal);
    await flush();
    expect(started).toBe(true);
  });

  it('never exceeds its slots or its bound, serves in arrival order, and leaks no slot whatever the arrivals, releases, timeouts and hang-ups', async () => {
    // Mostly arrivals and releases, so queues form and drain; now and then a hang-up or time passing.
    const step = fc.oneof(
      { arbitrary: fc.constant({ kind: 'arrive' as const }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }), weight: 1 },
      {
        arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 6_000 }) }),
        weight: 1,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(step, { minLength: 5, maxLength: 60 }),
        async (slots, steps) => {
          const { queue, seen, advance } = harness(5_000);
          const grants: number[] = [];
          const held: AdmissionSlot[] = [];
          const waiting: Array<{ id: number; abort: AbortController }> = [];
          let arrivals = 0;
          for (const s of steps) {
            if (s.kind === 'arrive') {
              const id = arrivals++;
              const abort = new AbortController();
              const entry = { id, abort };
              waiting.push(entry);
              void queue.admit('m', slots, abort.signal).then((a) => {
                waiting.splice(waiting.indexOf(entry), 1);
                if (!a.ok) return;
                grants.push(id);
                held.push(a.slot);
              });
            } else if (s.kind === 'release' && held.length > 0) held.splice(s.pick % held.length, 1)[0]!.release();
            else if (s.kind === 'abort' && waiting.length > 0) waiting[s.pick % waiting.length]!.abort.abort();
            else if (s.kind === 'wait') await advance(s.ms);
            await flush();
            expect(seen.running).toBe(held.length);
            expect(seen.running).toBeLessThanOrEqual(slots);
            expect(seen.queued).toBeLessThanOrEqual(rules.maxQueuePerSlot * slots);
          }
          while (held.length > 0 || waiting.length > 0) {
            held.pop()?.release();
            await flush();
          }
          expect(grants).toEqual([...grants].sort((a, b) => a - b));
          expect(seen).toMatchObject({ running: 0, queued: 0 });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('sends a request that waited over the hosts it was offered, as the catalog has them now', () => {
    const route = (id: string, lastSeenAtMs: number) => ({ host: { id, lastSeenAtMs } }) as unknown as ModelRoute;
    const arrived = [route('a', 1), route('b', 1)];
    const current = [route('a', 9), route('c', 9)];
    expect(routesNow(arrived, current)).toEqual([current[0]]);
  });
});
