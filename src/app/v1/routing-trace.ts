// A buyer's routing trace, for the requests that ask for one (`X-Agora-Trace: 1` or `"trace": true`): the hosts the
// race tried, how and when each attempt ended, which one was a hedge's copy, the SKU served at its locked price, and
// the verification sampling decision, made only once the whole answer is (settle's `answered`).
// It follows the attempts the router hands the race, so a request that does not ask pays nothing for it.
import { formatNanos } from '../../domain/money/nanos.ts';
import type { LockedPrice } from '../../domain/ledger/request-cost.ts';
import type { SamplingDecision } from '../verification/response-sampling.ts';
import type { AttemptOutcome, HostAttempt } from './host-router.ts';
import type { CatalogModel, ModelRoute } from './market-catalog.ts';

/** `served`: the attempt whose answer the buyer got; `refused`: the host answered that the request itself is bad. */
export type TracedOutcome = Exclude<AttemptOutcome, 'ok'> | 'served' | 'refused' | 'running';

export type TraceView = {
  hosts: Array<{ host: string; outcome: TracedOutcome; hedge: boolean; first_byte_ms: number | null; ms: number }>;
  hedged: boolean;
  model: string | null;
  sku: { digest: string; quantization: string } | null;
  price: { prompt: string; completion: string } | null;
  /**
   * the sampler's decision once the answer is complete (one per request: of an n-choice answer, one choice is
   * re-scored when kept); null when no host served
   */
  verification: readonly SamplingDecision[] | null;
};

type ServedModel = Pick<CatalogModel, 'id' | 'digest' | 'quantization'>;

type Followed = {
  hostId: string;
  hedge: boolean;
  attempt: HostAttempt;
  /** what the race holds: the identity the served answer is found by */
  handle: HostAttempt;
  ended?: { outcome: AttemptOutcome; ms: number };
};

export class RoutingTrace {
  readonly #attempts: Followed[] = [];
  #served:
    | { handle: HostAttempt; model: ServedModel; price: LockedPrice; verification: readonly SamplingDecision[] }
    | undefined;

  /** The attempt as the race should hold it: the same attempt, its end also recorded here. */
  follow(route: ModelRoute, attempt: HostAttempt, hedge: boolean): HostAttempt {
    const followed: Followed = { hostId: route.host.id, hedge, attempt, handle: attempt };
    followed.handle = {
      firstByte: () => attempt.firstByte(),
      elapsed: () => attempt.elapsed(),
      finish: (outcome, completionTokens) => {
        followed.ended ??= { outcome, ms: attempt.elapsed().totalMs };
        attempt.finish(outcome, completionTokens);
      },
    };
    this.#attempts.push(followed);
    return followed.handle;
  }

  /** The answer is complete: which attempt served it, the SKU and price it was served at, the sampler's decisions. */
  served(handle: HostAttempt, model: ServedModel, price: LockedPrice, verification: readonly SamplingDecision[]): void {
    this.#served = { handle, model, price, verification };
  }

  view(): TraceView {
    const served = this.#served;
    return {
      hosts: this.#attempts.map((a) => {
        const won = a.handle === served?.handle;
        const { firstByteMs, totalMs } = a.attempt.elapsed();
        const outcome: TracedOutcome = won
          ? 'served'
          : a.ended === undefined
            ? 'running'
            : a.ended.outcome === 'ok'
              ? 'refused'
              : a.ended.outcome;
        return {
          host: a.hostId,
          outcome,
          hedge: a.hedge,
          first_byte_ms: won ? firstByteMs : null,
          ms: a.ended?.ms ?? totalMs,
        };
      }),
      hedged: this.#attempts.some((a) => a.hedge),
      model: served?.model.id ?? null,
      sku: served ? { digest: served.model.digest, quantization: served.model.quantization } : null,
      price: served
        ? { prompt: formatNanos(served.price.promptNanos), completion: formatNanos(served.price.completionNanos) }
        : null,
      verification: served?.verification ?? null,
    };
  }
}
