// Hedged requests: when the first host has not answered by the model's p95 time to first byte, a second copy
// goes to another host and the first to answer serves. Hedges are capped at 5% of hedge-eligible requests by a
// budget that earns 0.05 of a hedge per request (a small burst allowed), and need enough samples to know the p95.

export const HEDGE_RATE = 0.05;
const HEDGE_BURST = 3;
const MIN_SAMPLES = 20;

export type HedgeBudget = { credit: number };
export const emptyHedgeBudget: HedgeBudget = { credit: 0 };

export const earnHedge = (budget: HedgeBudget): HedgeBudget => ({
  credit: Math.min(HEDGE_BURST, budget.credit + HEDGE_RATE),
});

export function spendHedge(budget: HedgeBudget): { ok: boolean; budget: HedgeBudget } {
  return budget.credit >= 1 ? { ok: true, budget: { credit: budget.credit - 1 } } : { ok: false, budget };
}

/** The q-quantile of recent samples (nearest rank), or undefined below the minimum sample count. */
export function quantile(samples: readonly number[], q: number): number | undefined {
  if (samples.length < MIN_SAMPLES) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Keeps the last `size` samples. */
export function pushSample(samples: number[], sample: number, size = 200): void {
  samples.push(sample);
  if (samples.length > size) samples.splice(0, samples.length - size);
}
