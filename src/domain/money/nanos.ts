// Money is bigint nano-units (10⁻⁹ of the market's currency): exact for per-token prices, never a float.
export type Nanos = bigint;

export const NANOS_PER_UNIT = 1_000_000_000n;

/** Exact decimal string of an amount, e.g. 1234n → "0.000001234", 1_500_000_000n → "1.5". */
export function formatNanos(amount: Nanos): string {
  const sign = amount < 0n ? '-' : '';
  const abs = amount < 0n ? -amount : amount;
  const whole = abs / NANOS_PER_UNIT;
  const fraction = (abs % NANOS_PER_UNIT).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Parses a decimal amount ("12", "0.5", "0.000000001"); undefined when it is not one or is finer than a nano. */
export function parseNanos(text: string): Nanos | undefined {
  const match = /^(-?)(\d{1,18})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const value = BigInt(whole as string) * NANOS_PER_UNIT + BigInt(fraction.padEnd(9, '0'));
  return sign ? -value : value;
}

export const BASIS_POINTS = 10_000n;

/** The market's take of every cost, and the treasury's share of that take (the platform keeps the rest). */
export type RevenueSplit = { takeRateBps: bigint; treasuryShareBps: bigint };

export const DEFAULT_REVENUE_SPLIT: RevenueSplit = { takeRateBps: 1_000n, treasuryShareBps: 5_000n };

/** Splits a cost into the host's share, the platform's and the treasury's; the three always add up to the cost. */
export function splitCost(cost: Nanos, split: RevenueSplit): { host: Nanos; platform: Nanos; treasury: Nanos } {
  const take = (cost * split.takeRateBps) / BASIS_POINTS;
  const treasury = (take * split.treasuryShareBps) / BASIS_POINTS;
  return { host: cost - take, platform: take - treasury, treasury };
}
