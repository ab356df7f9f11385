// Getting a request's first answer from the hosts in routing order. A host that fails before its first byte (for
// a stream: before its first token, so a host that accepts and dies still counts as "before") is left for the
// next, up to a bound. With hedging on, when the first host has not answered by the model's p95 time to first
// byte (and the 5% hedge budget allows), a second copy goes to the next host; the first to answer serves and the
// other is cancelled, so only the winner is ever billed.
import type { ResponseReceipt } from '../../contracts/hosts/response-receipt.ts';
import { Cancellation, type CancelSignal } from '../cancellation.ts';
import { UpstreamError, type Scheduler, type UpstreamCall, type UpstreamResponse } from '../ports.ts';
import type { HostAttempt, HostRouter, RouteQuery } from './host-router.ts';
import type { ModelRoute } from './market-catalog.ts';
import type { RoutingTrace } from './routing-trace.ts';
import { carriesOutput } from './upstream-output.ts';

/**
 * A host's answer once its first output is in: the whole JSON body, or a stream read up to its first token (the
 * events so far, and whether the stream already ended), so a host that sends headers and a role chunk at once but
 * no token still counts as not answering.
 */
export type FirstAnswer =
  | Extract<UpstreamResponse, { kind: 'json' }>
  | {
      kind: 'stream';
      read: unknown[];
      ended: boolean;
      events: AsyncGenerator<unknown>;
      receipt(): ResponseReceipt | undefined;
    };
/**
 * `end(cut)` when the answer is over: the buyer's hang-up no longer reaches the host, and `cut` also aborts the
 * upstream call (an unfinished stream). A finished call is not aborted, so its keep-alive connection is reused.
 */
export type Winner = {
  route: ModelRoute;
  attempt: HostAttempt;
  answer: FirstAnswer;
  attempts: number;
  hedged: boolean;
  end(cut: boolean): void;
};

/** Retries are bounded: a request tries at most this many hosts, its hedge included. */
export const MAX_ATTEMPTS = 3;

/** A host's refusal that blames the request itself: another host would say the same, so no one else is tried. */
export class RequestRefused extends Error {
  constructor(
    readonly failure: UpstreamError,
    readonly attempts: number,
  ) {
    super(failure.message);
  }
}

/** Every host tried failed before its first byte (or there was none to try); `failures` in the order they came. */
export class NoHostAnswered extends Error {
  constructor(
    readonly failures: readonly UpstreamError[],
    readonly attempts: number,
  ) {
    super(failures.at(-1)?.message ?? 'no host answered');
  }
}

export type RaceDeps = {
  router: HostRouter;
  /** the hedge's timer */
  scheduler: Pick<Scheduler, 'after'>;
  send(call: UpstreamCall & { stream: boolean }): Promise<UpstreamResponse>;
  blamesRequest(error: UpstreamError): boolean;
  onHostFailed(route: ModelRoute, error: UpstreamError): void;
};

type Running = {
  route: ModelRoute;
  attempt: HostAttempt;
  end(cut: boolean): void;
  outcome: Promise<{ ok: true; answer: FirstAnswer } | { ok: false; error: unknown }>;
};

async function firstAnswer(response: UpstreamResponse): Promise<FirstAnswer> {
  if (response.kind === 'json') return response;
  const read: unknown[] = [];
  try {
    for (;;) {
      const next = await response.events.next();
      if (next.done) return { kind: 'stream', read, ended: true, events: response.events, receipt: response.receipt };
      read.push(next.value);
      if (carriesOutput(next.value))
        return { kind: 'stream', read, ended: false, events: response.events, receipt: response.receipt };
    }
  } catch (error) {
    await response.events.return(undefined);
    throw error instanceof UpstreamError
      ? new UpstreamError('connect', `the host failed before its first token: ${error.message}`)
      : error;
  }
}

export async function raceHosts(
  deps: RaceDeps,
  query: RouteQuery,
  candidates: readonly ModelRoute[],
  call: (route: ModelRoute) => Omit<UpstreamCall, 'signal'> & { stream: boolean },
  options: { signal: CancelSignal; hedge: boolean; trace?: RoutingTrace | undefined },
): Promise<Winner> {
  const queue = candidates.slice(0, MAX_ATTEMPTS);
  const running = new Set<Running>();
  let attempts = 0;
  let hedged = false;
  let hedgeDecided = false;
  const failures: UpstreamError[] = [];

  const launch = (hedge = false) => {
    const route = queue.shift();
    if (!route) return;
    attempts += 1;
    const abort = new Cancellation();
    const onBuyerAbort = () => abort.abort();
    options.signal.addEventListener('abort', onBuyerAbort, { once: true });
    const begun = deps.router.begin(query, route);
    const attempt = options.trace ? options.trace.follow(route, begun, hedge) : begun;
    const end = (cut: boolean) => {
      options.signal.removeEventListener('abort', onBuyerAbort);
      if (cut) abort.abort();
    };
    const outcome = deps
      .send({ ...call(route), signal: abort })
      .then(firstAnswer)
      .then(
        (answer) => {
          attempt.firstByte();
          return { ok: true as const, answer };
        },
        (error: unknown) => {
          options.signal.removeEventListener('abort', onBuyerAbort);
          return { ok: false as const, error };
        },
      );
    running.add({ route, attempt, end, outcome });
  };
  // The others are cut and left to settle on their own: the winner's answer does not wait for them.
  const cancelAll = (outcome: 'cancelled' | 'outpaced') => {
    for (const other of running) {
      other.end(true);
      other.attempt.finish(outcome);
      void other.outcome.then((result) =>
        result.ok && result.answer.kind === 'stream' ? result.answer.events.return(undefined) : undefined,
      );
    }
    running.clear();
  };

  if (options.hedge) deps.router.earnHedge();
  launch();
  while (running.size > 0) {
    const hedgeDelay =
      options.hedge && !hedgeDecided && running.size === 1 && queue.length > 0
        ? deps.router.hedgeDelayMs(query.modelId)
        : undefined;
    let cancelHedge = () => {};
    const hedgeDue =
      hedgeDelay === undefined
        ? undefined
        : new Promise<'hedge'>((resolve) => (cancelHedge = deps.scheduler.after(hedgeDelay, () => resolve('hedge'))));
    const settled = await Promise.race([
      ...[...running].map((r) => r.outcome.then((result) => ({ running: r, result }))),
      ...(hedgeDue ? [hedgeDue] : []),
    ]);
    cancelHedge();
    if (settled === 'hedge') {
      // A request hedges at most once, and asks the budget once.
      hedgeDecided = true;
      hedged = deps.router.spendHedge();
      if (hedged) launch(true);
      continue;
    }
    const { running: done, result } = settled;
    running.delete(done);
    if (result.ok) {
      cancelAll('outpaced');
      return { route: done.route, attempt: done.attempt, answer: result.answer, attempts, hedged, end: done.end };
    }
    const error = result.error;
    if (options.signal.aborted || !(error instanceof UpstreamError)) {
      done.attempt.finish('cancelled');
      cancelAll('cancelled');
      throw error;
    }
    if (deps.blamesRequest(error)) {
      done.attempt.finish('ok');
      cancelAll('cancelled');
      throw new RequestRefused(error, attempts);
    }
    done.attempt.finish('failed');
    deps.onHostFailed(done.route, error);
    failures.push(error);
    if (running.size === 0) launch();
  }
  throw new NoHostAnswered(failures, attempts);
}
