// Group commit for billing: captures and lease returns queue in memory and reach the database in one transaction
// per batch, in order, a few milliseconds after they happen — no request waits for its own commit. Every
// operation is idempotent, so a failed batch is retried whole, then one by one; an operation that still fails is
// logged and dropped (its cost is the operator's loss, never the buyer's).
import type { BillingOperation, BillingWriter, Logger } from '../ports.ts';

export type BillingBatcher = {
  enqueue(operation: BillingOperation): void;
  flush(): Promise<void>;
};

export function createBillingBatcher(
  deps: { writer: BillingWriter; logger: Logger; defer: (task: () => void, ms: number) => void },
  options: { maxBatch: number; maxDelayMs: number },
): BillingBatcher {
  let queue: BillingOperation[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;

  const writeBatch = async (batch: BillingOperation[]): Promise<void> => {
    try {
      await deps.writer.write(batch);
    } catch (error) {
      deps.logger.warn({ err: String(error), size: batch.length }, 'billing batch failed; retrying one by one');
      for (const operation of batch) {
        try {
          await deps.writer.write([operation]);
        } catch (single) {
          deps.logger.error({ err: String(single), operation: operation.type }, 'billing operation dropped');
        }
      }
    }
  };

  const flush = (): Promise<void> => {
    scheduled = false;
    const batch = queue;
    queue = [];
    flushing = flushing.then(() => (batch.length ? writeBatch(batch) : undefined));
    return flushing;
  };

  return {
    enqueue(operation) {
      queue.push(operation);
      if (queue.length >= options.maxBatch) void flush();
      else if (!scheduled) {
        scheduled = true;
        deps.defer(() => void flush(), options.maxDelayMs);
      }
    },
    flush,
  };
}
