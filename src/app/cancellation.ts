// How the paid path cancels: the buyer hanging up (one per request) and a host attempt cut (one per attempt, a
// hedge's loser) are raised and listened to as an AbortSignal is, but by a plain object. Node's AbortController costs
// several microseconds to make (its EventTarget), twice on every paid request; the path needs only this much of it.

/** What a cancellable step reads and listens to; an AbortSignal is one too (a timeout's, for the calls off the path). */
export type CancelSignal = {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
};

/**
 * An AbortController and its signal in one: `abort` marks it aborted (with AbortController's default reason) and
 * calls its listeners, once; a listener added after that, or twice, is not called, as on an AbortSignal.
 */
export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Set<() => void> | undefined;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException('This operation was aborted', 'AbortError');
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.#listeners ??= new Set()).add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners?.delete(listener);
  }
}
