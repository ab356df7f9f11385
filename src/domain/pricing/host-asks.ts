// Liveness of a market priced by demand. Hosts name the least they serve for (their ask); the controller moves the
// market price with measured demand; and a request must never be refused for price while a host that could serve it
// is up — demand the controller cannot see (requests refused for price) is still demand. Two rules keep that true
// (docs/decisions/010-price-liveness.md):
// 1. the controller's floor is never below the lowest ask of the hosts online (clamped to the ceiling), so an idle
//    market cannot price itself out of its own supply;
// 2. a request is locked at the market price raised to the cheapest ask among the hosts able to take it now, so a
//    host that joined above the price, or the cheap host going down, costs the buyer the next ask, not a 503.
// A host asking above the ceiling is priced out: the operator's bounds say no buyer pays that much.
import type { TokenPrices } from './demand-price.ts';

/** A host's ask per token; null: an operator-registered engine, which takes the market price. */
export type Ask = TokenPrices | null;

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export const isPricedOut = (ask: Ask, ceiling: TokenPrices): boolean =>
  ask !== null && (ask.prompt > ceiling.prompt || ask.completion > ceiling.completion);

/** Whether a host with this ask serves a request locked at this price. */
export const servesAt = (ask: Ask, price: TokenPrices): boolean =>
  ask === null || (ask.prompt <= price.prompt && ask.completion <= price.completion);

/**
 * The controller's effective floor: the operator's floor, raised per token kind to the lowest ask of the hosts
 * online that are not priced out. A host that takes the market price (no ask) leaves the operator's floor as it is.
 */
export function askFloor(floor: TokenPrices, onlineAsks: readonly Ask[], ceiling: TokenPrices): TokenPrices {
  const asks = onlineAsks.filter((ask) => !isPricedOut(ask, ceiling));
  if (asks.length === 0 || asks.includes(null)) return floor;
  const lowest = (side: keyof TokenPrices) =>
    (asks as TokenPrices[]).reduce((low, ask) => (ask[side] < low ? ask[side] : low), (asks[0] as TokenPrices)[side]);
  return { prompt: max(floor.prompt, lowest('prompt')), completion: max(floor.completion, lowest('completion')) };
}

/** The tokens a request may be billed for at most: its prompt and its max_tokens. */
export type WorstCase = { promptTokens: number; completionTokens: number };

/**
 * The price a request is locked at: the market price, raised to the ask of whichever host able to take the
 * request now makes it cheapest for this request's worst case. Undefined only when every such host is priced out
 * (or there is none): then no price within the operator's bounds serves it.
 */
export function admissionPrice(
  market: TokenPrices,
  candidateAsks: readonly Ask[],
  ceiling: TokenPrices,
  worst: WorstCase,
): TokenPrices | undefined {
  let best: { price: TokenPrices; cost: bigint } | undefined;
  for (const ask of candidateAsks) {
    if (isPricedOut(ask, ceiling)) continue;
    const price =
      ask === null
        ? market
        : { prompt: max(market.prompt, ask.prompt), completion: max(market.completion, ask.completion) };
    const cost = price.prompt * BigInt(worst.promptTokens) + price.completion * BigInt(worst.completionTokens);
    if (!best || cost < best.cost) best = { price, cost };
  }
  return best?.price;
}
