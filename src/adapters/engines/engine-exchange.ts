// One HTTP exchange with an engine over undici's dispatcher API, the leanest way it offers: each engine URL is split
// into origin and path once (not parsed again per request), and the answer's bytes come straight from the socket's
// chunks — gathered whole for a JSON answer, or read one by one, with backpressure, for a stream — with no Readable
// stream wrapped around them and no ArrayBuffer copy. The paid path sends every request through here.
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { CancelSignal } from '../../app/cancellation.ts';

/** The answer's status and headers; its body is read either way, once. */
export type ExchangeHead = { statusCode: number; headers: IncomingHttpHeaders; body: ExchangeBody };

export type ExchangeBody = {
  /** the whole body, once it has all come */
  whole(): Promise<Buffer>;
  /** the body's chunks as they come; stopping early (`return`) cuts the exchange, so its connection is not reused */
  chunks(): AsyncIterator<Buffer>;
};

export type ExchangeRequest = Omit<Dispatcher.DispatchOptions, 'origin' | 'path'> & { url: string };

/** Chunks held before the host is asked to pause (a reader slower than the host). */
const HIGH_WATER_CHUNKS = 16;
/** Distinct engine URLs remembered; past it the memory starts over (hosts come and go, a market has a few). */
const MAX_TARGETS = 1024;

type Target = { origin: string; path: string };
const targets = new Map<string, Target>();

/** The URL as undici's `request()` splits it, remembered. */
function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error('Invalid URL protocol: the URL must start with `http:` or `https:`.'); // undici's words
    target = { origin: parsed.origin, path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

type Pending<T> = { resolve(value: T): void; reject(error: unknown): void };

/** The handler undici drives: it resolves the head, then queues the body's chunks for the reader. */
class Exchange implements Dispatcher.DispatchHandler, ExchangeBody {
  #controller: Dispatcher.DispatchController | undefined;
  #head: Pending<ExchangeHead> | undefined;
  #reader: Pending<IteratorResult<Buffer>> | undefined;
  #queue: Buffer[] = [];
  #ended = false;
  #error: unknown;
  readonly #signal: CancelSignal;
  readonly #onAbort = () => this.#controller?.abort(this.#signal.reason as Error);

  constructor(signal: CancelSignal, head: Pending<ExchangeHead>) {
    this.#signal = signal;
    this.#head = head;
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Aborted while it waited for a connection: undici's `request()` also aborts it only now.
    if (this.#signal.aborted) controller.abort(this.#signal.reason as Error);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // an informational answer; the real one follows
    const head = this.#head;
    this.#head = undefined;
    head?.resolve({ statusCode, headers, body: this });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const reader = this.#reader;
    if (reader) {
      this.#reader = undefined;
      reader.resolve({ done: false, value: chunk });
      return;
    }
    this.#queue.push(chunk);
    if (this.#queue.length >= HIGH_WATER_CHUNKS) controller.pause();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.resolve({ done: true, value: undefined });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#error = error;
    this.#signal.removeEventListener('abort', this.#onAbort);
    const head = this.#head;
    const reader = this.#reader;
    this.#head = undefined;
    this.#reader = undefined;
    head?.reject(error);
    reader?.reject(error);
  }

  #next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.#queue.shift();
    if (chunk) {
      if (this.#queue.length === 0) this.#controller?.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    this.#controller?.resume();
    return new Promise((resolve, reject) => (this.#reader = { resolve, reject }));
  }

  chunks(): AsyncIterator<Buffer> {
    return {
      next: () => this.#next(),
      return: async () => {
        if (!this.#ended && this.#error === undefined) this.#controller?.abort(new Error('the reader stopped'));
        this.#queue = [];
        return { done: true, value: undefined };
      },
    };
  }

  async whole(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let next = await this.#next(); !next.done; next = await this.#next()) parts.push(next.value);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/**
 * Sends the request; resolves with the answer's head once it arrives. Fails as undici's `request()` would: the
 * signal's reason when it aborts, undici's own error when the host cannot be reached or the headers time out.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  signal: CancelSignal,
): Promise<ExchangeHead> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const handler = new Exchange(signal, { resolve, reject });
    try {
      const { url, ...options } = request;
      dispatcher.dispatch({ ...options, ...targetOf(url) }, handler);
    } catch (error) {
      handler.onResponseError(undefined, error as Error);
    }
  });
}
