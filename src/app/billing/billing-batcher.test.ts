import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseReceipt } from '../../contracts/hosts/response-receipt.ts';
import type { BillingOperation } from '../ports.ts';
import { createBillingBatcher, type BatcherOptions, type Durability } from './billing-batcher.ts';

const OPTIONS: BatcherOptions = {
  maxBatch: 256,
  idleWindowMs: 5,
  maxRestMs: 20,
  retryBaseMs: 10,
  retryMaxMs: 80,
  giveUpAfterMs: 1_000,
};

/** Lets every pending promise chain run (microtasks drain before the next macrotask). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A clock and a defer() the test moves by hand: no real waiting. */
function manualTime() {
  let now = 0;
  const tasks: Array<{ at: number; task: () => void }> = [];
  return {
    clock: { nowMs: () => now },
    defer: (task: () => void, ms: number) => void tasks.push({ at: now + Math.max(0, ms), task }),
    /** moves time forward, running each deferred task when its time comes */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        await settle();
        tasks.sort((a, b) => a.at - b.at);
        const next = tasks[0];
        if (!next || next.at > end) break;
        tasks.shift();
        now = Math.max(now, next.at);
        next.task();
      }
      now = end;
      await settle();
    },
  };
}

const capture = (requestId: string, leaseId = 'lease-1', receipt: ResponseReceipt | null = null): BillingOperation => ({
  type: 'capture',
  leaseId,
  keyId: 'key-1',
  day: '2026-12-04',
  transaction: undefined,
  usage: {
    requestId,
    accountId: 'acct',
    keyId: 'key-1',
    keyPrefix: 'p',
    modelId: 'm',
    hostId: 'host-1',
    promptTokens: 1,
    completionTokens: 1,
    cachedTokens: 0,
    reasoningTokens: 0,
    promptPrice: 1n,
    completionPrice: 1n,
    cachedPromptPrice: 0n,
    reasoningPrice: 1n,
    cost: 2n,
    status: 'ok',
    attempts: 1,
    hedged: false,
    receipt,
  },
});
const returnLease = (leaseId: string): BillingOperation => ({ type: 'return-lease', leaseId });
const nameOf = (op: BillingOperation) => (op.type === 'capture' ? op.usage.requestId : `return:${op.leaseId}`);

/** A batcher over a writer that `fails(batch)` decides about, recording each write's time and outcome. */
function setup(
  fails: (batch: readonly BillingOperation[], call: number) => boolean,
  options: BatcherOptions = OPTIONS,
) {
  const time = manualTime();
  const writes: Array<{ atMs: number; names: string[]; ok: boolean }> = [];
  const abandoned: string[] = [];
  const errors: string[] = [];
  const logged: object[] = [];
  const batcher = createBillingBatcher(
    {
      writer: {
        async write(batch) {
          const ok = !fails(batch, writes.length);
          writes.push({ atMs: time.clock.nowMs(), names: batch.map(nameOf), ok });
          if (!ok) throw new Error('database unreachable');
        },
      },
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (obj, msg) => void (errors.push(msg), logged.push(obj)),
      },
      clock: time.clock,
      defer: time.defer,
      observer: { durable: () => undefined, abandoned: (op) => void abandoned.push(nameOf(op)) },
    },
    options,
  );
  const outcomes = new Map<string, Durability>();
  const enqueue = (op: BillingOperation) =>
    void batcher.enqueue(op).then((outcome) => outcomes.set(nameOf(op), outcome));
  return { time, writes, abandoned, errors, logged, batcher, outcomes, enqueue };
}

/** A batcher whose writes each wait until the test commits them, as a database busy writing would. */
function gatedSetup(options: BatcherOptions = OPTIONS) {
  const time = manualTime();
  const writes: Array<{ atMs: number; names: string[] }> = [];
  const commits: Array<() => void> = [];
  const batcher = createBillingBatcher(
    {
      writer: {
        write: (batch) => {
          writes.push({ atMs: time.clock.nowMs(), names: batch.map(nameOf) });
          return new Promise<void>((resolve) => commits.push(resolve));
        },
      },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      clock: time.clock,
      defer: time.defer,
      observer: { durable: () => undefined, abandoned: () => undefined },
    },
    options,
  );
  const outcomes = new Map<string, Durability>();
  const enqueue = (op: BillingOperation) =>
    void batcher.enqueue(op).then((outcome) => outcomes.set(nameOf(op), outcome));
  /** the oldest write still waiting commits */
  const commit = async () => {
    commits.shift()?.();
    await settle();
  };
  return { time, writes, outcomes, enqueue, commit, batcher };
}

describe('billing batches paced by the database', () => {
  it('writes what queued during a write as the next batch the moment that commit returns, with no window', async () => {
    const { time, writes, outcomes, enqueue, commit } = gatedSetup();
    enqueue(capture('a'));
    await time.advance(5);
    await time.advance(50);
    enqueue(capture('b'));
    enqueue(capture('c'));
    expect(writes).toEqual([{ atMs: 5, names: ['a'] }]);
    // b and c queued just now: they go as soon as a's commit returns, not a window later.
    await commit();
    expect(outcomes).toEqual(new Map([['a', 'durable']]));
    expect(writes.at(-1)).toEqual({ atMs: 55, names: ['b', 'c'] });
    await commit();
    expect(outcomes.get('c')).toBe('durable');
    expect(writes).toHaveLength(2);
  });

  it('waits the idle window again once the database has caught up', async () => {
    const { time, writes, enqueue, commit } = gatedSetup();
    enqueue(capture('a'));
    await time.advance(5);
    await commit();
    enqueue(capture('b'));
    await time.advance(4);
    expect(writes).toHaveLength(1);
    await time.advance(1);
    expect(writes.at(-1)).toEqual({ atMs: 10, names: ['b'] });
  });

  it('after a write that left nothing queued, waits as long as that write took before the next batch', async () => {
    const { time, writes, enqueue, commit } = gatedSetup();
    enqueue(capture('a'));
    await time.advance(5);
    // The write takes 12 ms and nothing queues meanwhile (embedded PGlite holds the event loop while it writes).
    await time.advance(12);
    await commit();
    enqueue(capture('b'));
    await time.advance(11);
    expect(writes).toHaveLength(1);
    enqueue(capture('c'));
    await time.advance(1);
    expect(writes.at(-1)).toEqual({ atMs: 29, names: ['b', 'c'] });
    // A quick write asks no rest: once idle, the next operation waits only its window.
    await commit();
    await time.advance(100);
    enqueue(capture('d'));
    await time.advance(5);
    expect(writes.at(-1)).toEqual({ atMs: 134, names: ['d'] });
  });

  it('rests at most maxRestMs after a slow write', async () => {
    const { time, writes, enqueue, commit } = gatedSetup();
    enqueue(capture('a'));
    await time.advance(5);
    await time.advance(100);
    await commit();
    enqueue(capture('b'));
    await time.advance(OPTIONS.maxRestMs);
    expect(writes.at(-1)).toEqual({ atMs: 105 + OPTIONS.maxRestMs, names: ['b'] });
  });

  it('flush() does not wait for the rest', async () => {
    const { time, writes, enqueue, commit, batcher } = gatedSetup();
    enqueue(capture('a'));
    await time.advance(5);
    await time.advance(100);
    await commit();
    enqueue(capture('b'));
    void batcher.flush();
    await settle();
    expect(writes.at(-1)).toEqual({ atMs: 105, names: ['b'] });
  });

  it('with no idle window, writes a lone operation at once', async () => {
    const { time, writes, enqueue } = gatedSetup({ ...OPTIONS, idleWindowMs: 0 });
    enqueue(capture('a'));
    await time.advance(0);
    expect(writes).toEqual([{ atMs: 0, names: ['a'] }]);
  });

  it('splits what queued during a write into full batches written back to back, in order', async () => {
    const { time, writes, enqueue, commit } = gatedSetup({ ...OPTIONS, maxBatch: 2 });
    enqueue(capture('a'));
    await time.advance(5);
    for (const name of ['b', 'c', 'd']) enqueue(capture(name));
    await commit();
    await commit();
    expect(writes.map((w) => w.names)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(writes.every((w) => w.atMs === 5)).toBe(true);
  });

  it('flush() during a write resolves once what queued behind it is written too', async () => {
    const { time, writes, outcomes, enqueue, commit, batcher } = gatedSetup();
    enqueue(capture('a'));
    await time.advance(5);
    enqueue(capture('b'));
    let flushed = false;
    void batcher.flush().then(() => (flushed = true));
    await commit();
    expect(flushed).toBe(false);
    expect(writes.at(-1)?.names).toEqual(['b']);
    await commit();
    expect(flushed).toBe(true);
    expect(outcomes.get('b')).toBe('durable');
  });
});

describe('billing group commit', () => {
  it('resolves a capture only once the write holding it has resolved; an idle batcher waits its window', async () => {
    let release!: () => void;
    const time = manualTime();
    const written: string[][] = [];
    const batcher = createBillingBatcher(
      {
        writer: {
          write: (batch) => (written.push(batch.map(nameOf)), new Promise<void>((resolve) => (release = resolve))),
        },
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        clock: time.clock,
        defer: time.defer,
        observer: { durable: () => undefined, abandoned: () => undefined },
      },
      OPTIONS,
    );
    let outcome: Durability | undefined;
    void batcher.enqueue(capture('a')).then((o) => (outcome = o));
    void batcher.enqueue(capture('b'));
    await time.advance(4);
    expect(written).toEqual([]);
    await time.advance(1);
    expect(written).toEqual([['a', 'b']]);
    await time.advance(100);
    expect(outcome).toBeUndefined();
    release();
    await settle();
    expect(outcome).toBe('durable');
  });

  it('retries a failing write with doubling backoff while the waiter waits, and is durable once the database is back', async () => {
    const { time, writes, outcomes, abandoned, enqueue } = setup((_batch, call) => call < 4);
    enqueue(capture('a'));
    await time.advance(200);
    expect(writes.map((w) => [w.atMs, w.ok])).toEqual([
      [5, false],
      [15, false],
      [35, false],
      [75, false],
      [155, true],
    ]);
    expect(outcomes.get('a')).toBe('durable');
    expect(abandoned).toEqual([]);
  });

  it('tells the waiters past the give-up time that their operation was abandoned, counts and logs it: never silent', async () => {
    const { time, batcher, writes, outcomes, abandoned, errors, enqueue } = setup(() => true);
    enqueue(capture('a'));
    enqueue(capture('b'));
    await time.advance(999);
    expect(outcomes.size).toBe(0);
    await time.advance(100);
    expect(outcomes).toEqual(
      new Map([
        ['a', 'abandoned'],
        ['b', 'abandoned'],
      ]),
    );
    expect(abandoned).toEqual(['a', 'b']);
    expect(errors.filter((e) => e.startsWith('billing operation abandoned'))).toHaveLength(2);
    expect(writes.every((w) => !w.ok)).toBe(true);
    const count = writes.length;
    await batcher.flush();
    await time.advance(10_000);
    expect(writes).toHaveLength(count);
  });

  it("keeps retrying at the capped backoff until the give-up time, tries once more then, and logs the host's claim", async () => {
    const { time, writes, outcomes, logged, enqueue } = setup(() => true);
    const receipt = { requestDigest: 'sha256:req', responseDigest: 'sha256:res', signature: 'signed' };
    enqueue(capture('a', 'lease-1', receipt));
    await time.advance(2_000);
    const times = writes.map((w) => w.atMs);
    const gaps = times.slice(1).map((at, i) => at - (times[i] as number));
    expect(gaps.slice(0, 4)).toEqual([10, 20, 40, 80]);
    expect(gaps.slice(4, -1).every((gap) => gap === OPTIONS.retryMaxMs)).toBe(true);
    expect(times.at(-1)).toBe(OPTIONS.giveUpAfterMs);
    expect(outcomes.get('a')).toBe('abandoned');
    // Nothing is charged; what the host can claim for the answer (its signed receipt) is kept in the log.
    expect(logged).toEqual([{ operation: 'capture', requestId: 'a', host: 'host-1', receipt }]);
  });

  it("writes the rest of a batch that one bad operation fails, and holds that capture's lease return back", async () => {
    const { time, writes, outcomes, enqueue } = setup((batch) => batch.some((op) => nameOf(op) === 'bad'));
    enqueue(capture('bad', 'lease-1'));
    enqueue(capture('good', 'lease-2'));
    enqueue(returnLease('lease-1'));
    enqueue(returnLease('lease-2'));
    await time.advance(5);
    expect(outcomes).toEqual(
      new Map([
        ['good', 'durable'],
        ['return:lease-2', 'durable'],
      ]),
    );
    expect(writes.filter((w) => w.ok).flatMap((w) => w.names)).toEqual(['good', 'return:lease-2']);
    await time.advance(2_000);
    expect(outcomes.get('bad')).toBe('abandoned');
    // Abandoned, its cost was never taken from the lease: the return gives the buyer all of it back.
    expect(outcomes.get('return:lease-1')).toBe('durable');
  });

  it('flush() writes at once and resolves when everything queued is written', async () => {
    const { batcher, writes, outcomes, enqueue } = setup(() => false);
    enqueue(capture('a'));
    await batcher.flush();
    expect(writes).toEqual([{ atMs: 0, names: ['a'], ok: true }]);
    expect(outcomes.get('a')).toBe('durable');
  });

  it('resolves every operation exactly once, durable only after a write of it succeeded, and never returns a lease before its captures', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('capture' as const), lease: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('return' as const), lease: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        async (steps, failures) => {
          const written = new Set<string>();
          const pendingCaptures = new Map<string, Set<string>>();
          let violation = '';
          let n = 0;
          const { time, batcher, outcomes, enqueue } = setup(
            (batch, call) => {
              const fail = failures[call % Math.max(1, failures.length)] ?? false;
              if (fail) return true;
              const inBatch = new Set(batch.map(nameOf));
              for (const o of batch) {
                if (
                  o.type === 'return-lease' &&
                  [...(pendingCaptures.get(o.leaseId) ?? [])].some(
                    (c) => !written.has(c) && !inBatch.has(c) && outcomes.get(c) !== 'abandoned',
                  )
                ) {
                  violation = `${o.leaseId} returned before its captures`;
                }
              }
              for (const name of inBatch) written.add(name);
              return false;
            },
            { ...OPTIONS, maxBatch: 4 },
          );
          const names: string[] = [];
          // A returned lease is never captured on again: the next capture of that slot is on a new lease.
          const generation = [0, 0, 0];
          const leaseOf = (slot: number) => `lease-${slot}.${generation[slot]}`;
          for (const step of steps) {
            if (step.kind === 'wait') await time.advance(step.ms);
            else if (step.kind === 'capture') {
              const name = `c${n++}`;
              const lease = leaseOf(step.lease);
              pendingCaptures.set(lease, (pendingCaptures.get(lease) ?? new Set()).add(name));
              names.push(name);
              enqueue(capture(name, lease));
            } else {
              const lease = leaseOf(step.lease);
              names.push(`return:${lease}`);
              enqueue(returnLease(lease));
              generation[step.lease]! += 1;
            }
          }
          const flushed = batcher.flush();
          await time.advance(5_000);
          await flushed;
          expect(violation).toBe('');
          for (const name of new Set(names)) {
            expect(outcomes.has(name)).toBe(true);
            if (outcomes.get(name) === 'durable') expect(written.has(name)).toBe(true);
            else expect(name.startsWith('c') ? written.has(name) : false).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
