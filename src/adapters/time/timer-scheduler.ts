// The Scheduler port on Node's timers, for production. Timers are unref'd: a market's jobs never keep a process
// alive on their own (its server does). A job's failure is reported with its name and the job keeps its schedule;
// the next run is timed from the end of the last, so a slow database never piles up runs.
import type { Scheduler } from '../../app/ports.ts';

export type JobFailure = (name: string, error: unknown) => void;

export function createTimerScheduler(onFailure: JobFailure): Scheduler {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  /** the cancels of the jobs' next turns */
  const nextTurns = new Set<() => void>();
  const runs = new Set<Promise<void>>();
  let jobsStopped = false;
  const after = (ms: number, task: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timer.unref();
    timers.add(timer);
    return () => {
      clearTimeout(timer);
      timers.delete(timer);
    };
  };
  return {
    every(name, intervalMs, job) {
      const wait = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;
      const schedule = () => {
        const cancel = after(wait(), () => {
          nextTurns.delete(cancel);
          turn();
        });
        nextTurns.add(cancel);
      };
      const turn = () => {
        const run: Promise<void> = Promise.resolve()
          .then(job)
          .then(
            () => undefined,
            (error: unknown) => onFailure(name, error),
          )
          .finally(() => {
            runs.delete(run);
            if (!jobsStopped) schedule();
          });
        runs.add(run);
      };
      if (!jobsStopped) schedule();
    },
    after,
    async stopJobs() {
      jobsStopped = true;
      for (const cancel of nextTurns) cancel();
      nextTurns.clear();
      await Promise.all(runs);
    },
    async stop() {
      jobsStopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(runs);
    },
  };
}
