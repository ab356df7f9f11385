// The production scheduler on real (short) timers: runs never overlap, a failure keeps the schedule, and a shutdown
// stops the jobs first while one-off tasks (a billing retry) still run until the scheduler itself stops.
import { describe, expect, it } from 'vitest';
import { createTimerScheduler } from './timer-scheduler.ts';

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe('the timer scheduler', () => {
  it('times each run from the end of the last and keeps a failing job on its schedule', async () => {
    const failures: string[] = [];
    const scheduler = createTimerScheduler((name) => failures.push(name));
    let running = 0;
    let overlapped = false;
    let runs = 0;
    scheduler.every('slow and failing', 1, async () => {
      overlapped ||= running > 0;
      running++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      runs++;
      throw new Error('boom');
    });
    await until(() => runs >= 3);
    await scheduler.stop();
    expect(overlapped).toBe(false);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(new Set(failures)).toEqual(new Set(['slow and failing']));
  });

  it('stops the jobs, waiting for a run in progress, and still runs one-off tasks until it stops', async () => {
    const scheduler = createTimerScheduler(() => undefined);
    let runs = 0;
    let finished = false;
    scheduler.every('job', 1, async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      finished = true;
    });
    await until(() => runs === 1);
    await scheduler.stopJobs();
    expect(finished).toBe(true);
    const task = await new Promise<string>((resolve) => scheduler.after(1, () => resolve('ran')));
    expect(task).toBe('ran');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(1);
    let late = false;
    scheduler.after(5, () => (late = true));
    await scheduler.stop();
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(late).toBe(false);
  });

  it('stops a job waiting for its next turn', async () => {
    const scheduler = createTimerScheduler(() => undefined);
    let runs = 0;
    scheduler.every('quick', 5, () => {
      runs++;
    });
    await until(() => runs === 1);
    await scheduler.stopJobs();
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(runs).toBe(1);
    await scheduler.stop();
  });
});
