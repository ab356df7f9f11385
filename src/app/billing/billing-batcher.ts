// Group commit for billing: captures and lease returns queue in memory and reach the database in one transaction
// per batch, in order. Batches are paced by the database, not by a fixed clock: what queued while a batch was being
// written is written the moment its commit returns (PostgreSQL: the write is I/O, requests go on meanwhile). When
// nothing queued — embedded PGlite runs on this thread, so nothing can queue while it writes — the next batch waits
// as long as the last write took (capped), the market serving requests meanwhile: a slow database gets large batches,
// a quick one small and soon written. An operation reaching an idle batcher also waits a short window (maybe none).
// enqueue() answers once the batch holding the operation is durable, so an answer's last bytes can wait for its
// charge: what the market answered, it charged.
// A failed batch is retried one by one (one bad operation cannot sink the others), and what still fails is retried
// with backoff while its waiters wait. An operation still unwritten when its give-up time passes is abandoned:
// its waiter is told, it is logged and counted — never dropped silently. Every operation is idempotent (captures by
// request id), so a batch written twice charges once.
import type { BillingOperation, BillingWriter, Clock, Logger } from '../ports.ts';

/** durable: committed (PostgreSQL) or written past the process (PGlite); abandoned: given up, never written */
export type Durability = 'durable' | 'abandoned';

export type BillingBatcher = {
  /** queues an operation; resolves once it is durable or abandoned, never rejects */
  enqueue(operation: BillingOperation): Promise<Durability>;
  /** writes everything queued now; resolves once each operation is durable or abandoned */
  flush(): Promise<void>;
};

export type BatcherObserver = {
  /** an operation is durable, `waitedMs` after it was queued */
  durable(operation: BillingOperation, waitedMs: number): void;
  abandoned(operation: BillingOperation): void;
};

export type BatcherOptions = {
  maxBatch: number;
  /** how long an operation reaching an idle batcher (no batch being written) waits for others to join its batch */
  idleWindowMs: number;
  /** the longest the next batch waits after a commit because the write took that long */
  maxRestMs: number;
  /** the first retry's delay; each next one doubles, up to retryMaxMs */
  retryBaseMs: number;
  retryMaxMs: number;
  /** how long after it was queued an operation may still be retried */
  giveUpAfterMs: number;
};

/** One-by-one writes failing this many times in a row: the database is down, not an operation bad. */
const FAILURES_MEANING_DOWN = 3;

type Pending = { operation: BillingOperation; queuedAtMs: number; done: (outcome: Durability) => void };

export function createBillingBatcher(
  deps: {
    writer: BillingWriter;
    logger: Logger;
    clock: Clock;
    defer: (task: () => void, ms: number) => void;
    observer: BatcherObserver;
  },
  options: BatcherOptions,
): BillingBatcher {
  let queue: Pending[] = [];
  const outstanding = new Set<Promise<Durability>>();
  let writing = false;
  let timer = false;
  let forced = false;
  let retryMs = options.retryBaseMs;
  /** no batch starts before this time, unless flushed or full: the database's rest after its last write */
  let restUntilMs = 0;

  const finish = (pending: Pending, outcome: Durability): void => {
    if (outcome === 'durable') deps.observer.durable(pending.operation, deps.clock.nowMs() - pending.queuedAtMs);
    else {
      deps.observer.abandoned(pending.operation);
      const { operation } = pending;
      // The log keeps what the host can claim: the request, the host and its signed receipt (digests, no prompt).
      const claim =
        operation.type === 'capture'
          ? { requestId: operation.usage.requestId, host: operation.usage.hostId, receipt: operation.usage.receipt }
          : { leaseId: operation.leaseId };
      deps.logger.error(
        { operation: operation.type, ...claim },
        'billing operation abandoned: the database stayed unwritable past the give-up time',
      );
    }
    pending.done(outcome);
  };

  /**
   * Writes a batch; returns what is still unwritten, each marked `heldBack` when it was not tried because a capture
   * of its lease failed (it gets a try once that capture is written or abandoned, whatever its give-up time).
   */
  const attempt = async (batch: Pending[]): Promise<Array<{ pending: Pending; heldBack: boolean }>> => {
    try {
      await deps.writer.write(batch.map((p) => p.operation));
      for (const pending of batch) finish(pending, 'durable');
      return [];
    } catch (error) {
      deps.logger.warn({ err: String(error), size: batch.length }, 'billing batch failed; retrying one by one');
    }
    if (batch.length === 1) return [{ pending: batch[0] as Pending, heldBack: false }];
    const failed: Array<{ pending: Pending; heldBack: boolean }> = [];
    // A lease is returned only after its captures are written: a failed capture holds its lease's return back.
    const heldLeases = new Set<string>();
    let failuresInRow = 0;
    for (const pending of batch) {
      const { operation } = pending;
      const heldBack = operation.type === 'return-lease' && heldLeases.has(operation.leaseId);
      if (heldBack || failuresInRow >= FAILURES_MEANING_DOWN) {
        failed.push({ pending, heldBack });
        continue;
      }
      try {
        await deps.writer.write([operation]);
        failuresInRow = 0;
        finish(pending, 'durable');
      } catch (error) {
        failuresInRow++;
        deps.logger.warn(
          { err: String(error), operation: operation.type },
          'billing operation failed; retrying with backoff',
        );
        if (operation.type === 'capture') heldLeases.add(operation.leaseId);
        failed.push({ pending, heldBack: false });
      }
    }
    return failed;
  };

  const sleep = (ms: number) => new Promise<void>((resolve) => deps.defer(resolve, ms));

  /**
   * One writer at a time, batch after batch until nothing is queued: what queued while a batch was written is the
   * next batch, written as soon as that commit returns (retries first, after their backoff).
   */
  const drain = async (): Promise<void> => {
    writing = true;
    while (queue.length > 0) {
      const startedAtMs = deps.clock.nowMs();
      const failed = await attempt(queue.splice(0, options.maxBatch));
      if (failed.length === 0) {
        retryMs = options.retryBaseMs;
        const now = deps.clock.nowMs();
        restUntilMs = now + Math.min(now - startedAtMs, options.maxRestMs);
        continue;
      }
      const now = deps.clock.nowMs();
      const retry: Pending[] = [];
      for (const { pending, heldBack } of failed) {
        if (heldBack || now - pending.queuedAtMs < options.giveUpAfterMs) retry.push(pending);
        else finish(pending, 'abandoned');
      }
      if (retry.length === 0) continue;
      // In order: the retried operations go before those queued since.
      queue = [...retry, ...queue];
      const oldest = Math.min(...retry.map((p) => p.queuedAtMs));
      await sleep(Math.max(0, Math.min(retryMs, oldest + options.giveUpAfterMs - now)));
      retryMs = Math.min(retryMs * 2, options.retryMaxMs);
    }
    forced = false;
    writing = false;
  };

  /**
   * An idle batcher: writes at once when flushed or full, else once its first operation's window has passed and the
   * database has rested as long as its last write took.
   */
  const schedule = (): void => {
    const first = queue[0];
    if (writing || !first) return;
    const startAtMs = Math.max(first.queuedAtMs + options.idleWindowMs, restUntilMs);
    if (forced || queue.length >= options.maxBatch || deps.clock.nowMs() >= startAtMs) {
      void drain();
      return;
    }
    if (timer) return;
    timer = true;
    deps.defer(() => {
      timer = false;
      schedule();
    }, startAtMs - deps.clock.nowMs());
  };

  return {
    enqueue(operation) {
      const written = new Promise<Durability>((done) =>
        queue.push({ operation, queuedAtMs: deps.clock.nowMs(), done }),
      );
      outstanding.add(written);
      void written.then(() => outstanding.delete(written));
      schedule();
      return written;
    },
    async flush() {
      forced = true;
      schedule();
      await Promise.all([...outstanding]);
    },
  };
}
