// The per-model admission queues of one gateway instance (the rule is domain/routing/admission.ts): a request asks
// for a slot before it is sent to any host and gives it back when it is over; beyond the model's slots it waits in
// FIFO order, beyond the queue's bound it is shed at once, and a wait past the bound sheds it too.
import {
  DEFAULT_ADMISSION_RULES,
  decideAdmission,
  observeServiceTime,
  retryAfterSeconds,
  startable,
  type AdmissionRules,
  type ShedReason,
} from '../../domain/routing/admission.ts';
import type { CancelSignal } from '../cancellation.ts';
import type { Clock, Scheduler } from '../ports.ts';
import type { ModelRoute } from './market-catalog.ts';

/** Given back exactly once when the request is over (a second call does nothing). */
export type AdmissionSlot = { release(): void };
export type Admission =
  { ok: true; slot: AdmissionSlot } | { ok: false; reason: ShedReason | 'client_closed'; retryAfterSeconds: number };

export type AdmissionMetrics = {
  /** the model's requests running and waiting, after every change */
  load(modelId: string, running: number, queued: number): void;
  shed(modelId: string, reason: ShedReason): void;
};

export type AdmissionQueue = {
  /** a slot for a request of this model, which has `slots` online now; waits while queued, until the signal aborts */
  admit(modelId: string, slots: number, signal: CancelSignal): Promise<Admission>;
};

export type AdmissionDeps = {
  clock: Clock;
  metrics: AdmissionMetrics;
  /** default: DEFAULT_ADMISSION_RULES */
  rules?: AdmissionRules;
  /** the bound on a request's wait */
  scheduler: Pick<Scheduler, 'after'>;
};

type Waiter = { grant(): void; shed(reason: ShedReason | 'client_closed'): void };
type ModelQueue = { running: number; waiting: Waiter[]; slots: number; meanServiceMs: number | undefined };

/**
 * The routes a request that waited in the queue goes out on: the hosts it was offered on arrival, as the catalog
 * (reloaded meanwhile, with their latest heartbeats, maintenance and circuits) has them now; hosts gone are dropped.
 */
export function routesNow(arrived: readonly ModelRoute[], current: readonly ModelRoute[]): ModelRoute[] {
  const offered = new Set(arrived.map((r) => r.host.id));
  return current.filter((r) => offered.has(r.host.id));
}

export function createAdmissionQueue(deps: AdmissionDeps): AdmissionQueue {
  const rules = deps.rules ?? DEFAULT_ADMISSION_RULES;
  const models = new Map<string, ModelQueue>();
  const queueOf = (modelId: string): ModelQueue => {
    const existing = models.get(modelId);
    if (existing) return existing;
    const created: ModelQueue = { running: 0, waiting: [], slots: 0, meanServiceMs: undefined };
    models.set(modelId, created);
    return created;
  };
  const report = (modelId: string, queue: ModelQueue) =>
    deps.metrics.load(modelId, queue.running, queue.waiting.length);

  const slotFor = (modelId: string, queue: ModelQueue): AdmissionSlot => {
    queue.running += 1;
    const startedMs = deps.clock.nowMs();
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        queue.running -= 1;
        queue.meanServiceMs = observeServiceTime(queue.meanServiceMs, deps.clock.nowMs() - startedMs);
        drain(modelId, queue);
      },
    };
  };

  /** Starts as many waiting requests, oldest first, as the free slots allow. */
  const drain = (modelId: string, queue: ModelQueue) => {
    for (let n = startable({ running: queue.running, queued: queue.waiting.length }, queue.slots); n > 0; n--)
      (queue.waiting.shift() as Waiter).grant();
    report(modelId, queue);
  };

  return {
    admit(modelId, slots, signal) {
      const queue = queueOf(modelId);
      // The latest count of online slots applies to everyone waiting: a host coming back starts them at once.
      queue.slots = slots;
      drain(modelId, queue);
      const decision = decideAdmission(
        { running: queue.running, queued: queue.waiting.length },
        slots,
        queue.meanServiceMs,
        rules,
      );
      if (decision.kind === 'shed') {
        deps.metrics.shed(modelId, decision.reason);
        return Promise.resolve({ ok: false, reason: decision.reason, retryAfterSeconds: decision.retryAfterSeconds });
      }
      if (decision.kind === 'run') {
        const slot = slotFor(modelId, queue);
        report(modelId, queue);
        return Promise.resolve({ ok: true, slot });
      }
      return new Promise<Admission>((resolve) => {
        const leave = () => {
          cancelTimer();
          signal.removeEventListener('abort', onAbort);
          const at = queue.waiting.indexOf(waiter);
          if (at >= 0) queue.waiting.splice(at, 1);
        };
        const waiter: Waiter = {
          grant() {
            leave();
            resolve({ ok: true, slot: slotFor(modelId, queue) });
          },
          shed(reason) {
            leave();
            if (reason !== 'client_closed') deps.metrics.shed(modelId, reason);
            resolve({
              ok: false,
              reason,
              retryAfterSeconds: retryAfterSeconds(queue.waiting.length, queue.slots, queue.meanServiceMs),
            });
            report(modelId, queue);
          },
        };
        const onAbort = () => waiter.shed('client_closed');
        const cancelTimer = deps.scheduler.after(rules.maxWaitMs, () => waiter.shed('wait_timeout'));
        signal.addEventListener('abort', onAbort, { once: true });
        queue.waiting.push(waiter);
        report(modelId, queue);
        if (signal.aborted) onAbort();
      });
    },
  };
}
