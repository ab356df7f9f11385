// A fixed set of context sequences shared by concurrent requests, with a bounded wait queue: beyond it a request
// is refused at once (the HTTP surface turns that into 503) instead of piling up unbounded work.
import type { LlamaContextSequence } from 'node-llama-cpp';

export class EngineBusyError extends Error {
  readonly code = 'ENGINE_BUSY';
  constructor(queueLimit: number) {
    super(`The engine is at capacity (${queueLimit} requests already waiting); retry shortly.`);
  }
}

export type SequencePool = {
  acquire(): Promise<LlamaContextSequence>;
  release(sequence: LlamaContextSequence): Promise<void>;
  readonly waiting: number;
};

export function createSequencePool(sequences: LlamaContextSequence[], queueLimit: number): SequencePool {
  const idle = [...sequences];
  const waiters: Array<(s: LlamaContextSequence) => void> = [];
  return {
    get waiting() {
      return waiters.length;
    },
    acquire() {
      const free = idle.pop();
      if (free) return Promise.resolve(free);
      if (waiters.length >= queueLimit) return Promise.reject(new EngineBusyError(queueLimit));
      return new Promise((resolve) => waiters.push(resolve));
    },
    async release(sequence) {
      await sequence.clearHistory();
      const next = waiters.shift();
      if (next) next(sequence);
      else idle.push(sequence);
    },
  };
}
