// Admission control per model on one gateway instance: a request runs when the model has a free slot, waits in a
// bounded FIFO queue when it has none, and is shed at once (503 with Retry-After, nothing charged) when the queue
// is full — so overload is answered honestly in milliseconds instead of piling up in the engines' own queues.
//
// The rule (docs/decisions/014-overload-admission.md):
// - slots: the declared concurrency of the model's hosts that are online (alive, not away, circuit not open); while
//   one of them declares none (an operator's engine registered without max_concurrency: a vLLM may serve hundreds),
//   the model is not limited here, and that engine's own busy answers reach the buyer as 503 `hosts_busy`;
// - running: at most `slots` requests of the model at once;
// - queue: until the time a request holds its slot is known, `queuePerSlot × slots` waiting; once it is, as many as
//   drain within `maxWaitMs` at that mean time (so a fast model queues a burst instead of shedding it), at most
//   `maxQueuePerSlot × slots` (memory);
// - a queued request still waiting after `maxWaitMs` is shed too.

export type AdmissionRules = {
  /** queued requests allowed per slot while the time a request holds its slot is unknown */
  queuePerSlot: number;
  /** queued requests allowed per slot at most, however fast the model drains */
  maxQueuePerSlot: number;
  /** the longest a request waits in the queue before it is shed */
  maxWaitMs: number;
};

export const DEFAULT_ADMISSION_RULES: AdmissionRules = { queuePerSlot: 4, maxQueuePerSlot: 64, maxWaitMs: 10_000 };

/** Retry-After is at least a second and never so long that a buyer gives up on a market that will have room soon. */
const MAX_RETRY_AFTER_S = 30;
/** Weight of the newest sample in the mean slot-holding time. */
const SERVICE_EWMA_ALPHA = 0.2;

export type ShedReason = 'queue_full' | 'wait_timeout';
export type ModelLoad = { running: number; queued: number };
export type AdmissionDecision =
  { kind: 'run' } | { kind: 'queue' } | { kind: 'shed'; reason: ShedReason; retryAfterSeconds: number };

/** The model's slots from its online hosts' declared concurrency: unlimited (Infinity) while one declares none. */
export const modelSlots = (declared: ReadonlyArray<number | null>): number =>
  declared.reduce<number>((sum, d) => sum + (d ?? Infinity), 0);

/** How many may wait: a small multiple of the slots until service time is known, then what drains within the wait bound. */
export function queueBound(slots: number, meanServiceMs: number | undefined, rules: AdmissionRules): number {
  if (meanServiceMs === undefined || meanServiceMs <= 0) return rules.queuePerSlot * slots;
  return Math.min(rules.maxQueuePerSlot * slots, Math.floor((slots * rules.maxWaitMs) / meanServiceMs));
}

/** Seconds until a request arriving behind `queued` others could expect a slot; 1 while service time is unknown. */
export function retryAfterSeconds(queued: number, slots: number, meanServiceMs: number | undefined): number {
  if (meanServiceMs === undefined) return 1;
  const waitMs = Math.ceil((queued + 1) / Math.max(1, slots)) * meanServiceMs;
  return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(waitMs / 1000)));
}

/** What to do with a request arriving now. FIFO: while anyone waits, a newcomer queues behind them. */
export function decideAdmission(
  load: ModelLoad,
  slots: number,
  meanServiceMs: number | undefined,
  rules: AdmissionRules,
): AdmissionDecision {
  if (load.queued === 0 && load.running < slots) return { kind: 'run' };
  if (load.queued < queueBound(slots, meanServiceMs, rules)) return { kind: 'queue' };
  return {
    kind: 'shed',
    reason: 'queue_full',
    retryAfterSeconds: retryAfterSeconds(load.queued, slots, meanServiceMs),
  };
}

/** How many waiting requests may start now that the load or the slots changed. */
export const startable = (load: ModelLoad, slots: number): number =>
  Math.max(0, Math.min(load.queued, slots - load.running));

/** The mean time a request holds its slot (an EWMA of finished requests). */
export const observeServiceTime = (mean: number | undefined, sampleMs: number): number =>
  mean === undefined ? sampleMs : mean + SERVICE_EWMA_ALPHA * (sampleMs - mean);
