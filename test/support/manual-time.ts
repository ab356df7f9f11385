// Time a test moves by hand: the clock, a seeded random source and a scheduler whose jobs and tasks fall due on that
// clock. `await time.advance(ms)` moves the clock forward and runs everything that falls due on the way, in order of
// due time, each at its own time and awaited, so a test sees an epoch close or a repricing when it asks instead of
// sleeping until it happens.
//
// Two kinds. `virtual` (unit tests): the clock stands still between advances and nothing runs on its own.
// `followsRealTime` (the default, for a whole market): the clock is the real one plus what the test advanced, and what
// falls due on it also runs as real time passes. A market's clock has to keep up with the database's `now()` (a
// host's heartbeat is stamped by it) and with real latencies; a test makes a job run only when it asks by giving the
// job an interval longer than the test, then advancing past it.
import type { Job, Random, Scheduler, TimePorts } from '../../src/app/ports.ts';
import { createPrng } from '../../src/domain/tiny-model/prng.ts';

export type ManualTime = TimePorts & {
  /** moves the clock `ms` forward, running every job and task due by then in order; a job's failure is thrown here */
  advance(ms: number): Promise<void>;
  /** the names of the jobs registered and not stopped, in the order they were registered */
  jobs(): string[];
};

type Pending = {
  dueMs: number;
  run: Job;
  /** a job's name and the length of its next wait; a one-shot task has neither */
  name?: string;
  nextWaitMs?: () => number;
  running?: Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
};

export function createManualTime(options: { virtual?: boolean; startMs?: number; seed?: number } = {}): ManualTime {
  const virtual = options.virtual ?? false;
  let offsetMs = virtual ? (options.startMs ?? 0) : 0;
  const nowMs = () => (virtual ? 0 : Date.now()) + offsetMs;
  // Whole milliseconds, as a real clock reads: a fractional wait (a Poisson gap) is rounded up.
  const dueIn = (ms: number) => nowMs() + Math.ceil(ms);
  const prng = createPrng(options.seed ?? 25);
  const random: Random = () => prng.nextUnit();
  const pending = new Set<Pending>();
  const failures: Error[] = [];

  const arm = (entry: Pending) => {
    if (virtual) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void fire(entry), Math.max(0, entry.dueMs - nowMs()));
    entry.timer.unref();
  };
  /** Runs a due entry once; a job's next turn falls due one wait after this run ends, as on real timers. */
  const fire = async (entry: Pending): Promise<void> => {
    if (!pending.has(entry) || entry.running) return;
    clearTimeout(entry.timer);
    if (entry.nextWaitMs === undefined) pending.delete(entry);
    else entry.dueMs = Infinity;
    entry.running = Promise.resolve()
      .then(entry.run)
      .then(
        () => undefined,
        (error: unknown) =>
          void failures.push(new Error(`${entry.name ?? 'a task'} failed: ${String(error)}`, { cause: error })),
      )
      .finally(() => {
        entry.running = undefined;
        if (entry.nextWaitMs === undefined || !pending.has(entry)) return;
        entry.dueMs = dueIn(entry.nextWaitMs());
        arm(entry);
      });
    await entry.running;
  };
  const add = (entry: Pending) => {
    pending.add(entry);
    arm(entry);
  };

  const stopWhere = async (which: (entry: Pending) => boolean) => {
    const stopping = [...pending].filter(which);
    for (const entry of stopping) {
      clearTimeout(entry.timer);
      pending.delete(entry);
    }
    await Promise.all(stopping.map((entry) => entry.running));
  };
  const scheduler: Scheduler = {
    every(name, intervalMs, job) {
      const nextWaitMs = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;
      add({ name, nextWaitMs, dueMs: dueIn(nextWaitMs()), run: job });
    },
    after(ms, task) {
      const entry: Pending = { dueMs: dueIn(ms), run: task };
      add(entry);
      return () => {
        pending.delete(entry);
        clearTimeout(entry.timer);
      };
    },
    stopJobs: () => stopWhere((entry) => entry.name !== undefined),
    stop: () => stopWhere(() => true),
  };

  return {
    clock: { nowMs },
    random,
    scheduler,
    async advance(ms) {
      const targetMs = dueIn(ms);
      for (;;) {
        // A turn the real timers started is finished first; then whatever is due runs at its own time.
        const started = [...pending].find((e) => e.running);
        if (started) {
          await started.running;
          continue;
        }
        const due = [...pending].filter((e) => e.dueMs <= targetMs).sort((a, b) => a.dueMs - b.dueMs)[0];
        if (!due) break;
        if (due.dueMs > nowMs()) offsetMs += due.dueMs - nowMs();
        await fire(due);
      }
      if (targetMs > nowMs()) offsetMs += targetMs - nowMs();
      for (const entry of pending) arm(entry);
      if (failures.length > 0) {
        const failed = failures.splice(0);
        throw new AggregateError(failed, failed.map((f) => f.message).join('; '));
      }
    },
    jobs: () => [...pending].flatMap((entry) => (entry.name === undefined ? [] : [entry.name])),
  };
}
