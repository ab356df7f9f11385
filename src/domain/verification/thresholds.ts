// Per-SKU acceptance threshold for the mean top-k total variation of a response set (≥ 48 positions), set from
// the measured table in docs/verification.md: honest runs sit orders of magnitude below it, F16 below it, and
// Q8_0 and heavier substitutes above it.
export const HONEST_MEAN_TV_THRESHOLD = 2e-3;
