// Fits the shipped `gpu` verification profile (src/main/verification-profiles/gpu.json) from per-position
// measurements on an NVIDIA H200 (the `h200-bf16-floor.json.gz` of docs/verification.md's GPU section: honest bf16
// serving conditions and substitutes, 64 prompts × 48 greedy tokens each, teacher-forced by a bf16 verifier):
//   npx tsx scripts/fit-gpu-profile.ts <path to h200-bf16-floor.json.gz> [measured date]
//   npx prettier --write src/main/verification-profiles/gpu.json
// One prompt is one check of 48 positions. It prints the fitted profile's expected power against each substitute.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fitPooledStatistic, logCheckFactor, POOLED_CAP_SHARES } from '../src/domain/verification/pooled-test.ts';
import { DEFAULT_CONVICTION_RULE } from '../src/domain/verification/conviction.ts';
import type { VerificationProfile } from '../src/domain/verification/verification-profile.ts';
import { verificationProfileSchema } from '../src/contracts/trust/verification-profile.ts';

type Condition = { tv: number[][]; dlp: number[][]; agree: number[][] };
const [path, measuredAt = '2026-12-06'] = process.argv.slice(2);
if (!path) throw new Error('usage: tsx scripts/fit-gpu-profile.ts <h200-bf16-floor.json.gz> [YYYY-MM-DD]');
const data = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Record<string, Condition>;

/** The honest serving conditions: batch 1 / 16 / 64 with mixed lengths, another attention kernel, fp32 compute. */
const HONEST = ['H-bs1', 'H-bs16', 'H-bs64', 'H-bs1-math', 'H-f32'];
/** The subtlest substitute, the one λ is tuned to catch fastest. */
const TARGET = 'S-int8';
/** How far above the largest honest check a check must be to fail alone: 320 honest checks bound the tail loosely. */
const GROSS_MARGIN = 1.5;
/**
 * The pooled test's α per starting check. At 1e-6 (the per-check rule's) int8 takes ~29 checks of 48 positions on
 * this data, at 1e-4 ~19: governance owns this number (docs/decisions/029-verification-on-gpu-floors.md).
 */
const FALSE_CONVICTION = 1e-4;

const condition = (name: string): Condition => {
  const c = data[name];
  if (!c) throw new Error(`no condition ${name} in ${path}`);
  return c;
};
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const checkMeans = (name: string, key: 'tv' | 'dlp') => condition(name)[key].map(mean);
const quantiles = (values: readonly number[], n: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: n + 1 }, (_, i) => sorted[Math.round((i / n) * (sorted.length - 1))] ?? 0);
};

const honestTv = HONEST.map((h) => checkMeans(h, 'tv'));
const honestDlp = HONEST.map((h) => checkMeans(h, 'dlp'));
const tvThreshold = GROSS_MARGIN * Math.max(...honestTv.flat());
const dlpCap = GROSS_MARGIN * Math.max(...honestDlp.flat());
const meanTv = fitPooledStatistic(
  honestTv,
  checkMeans(TARGET, 'tv'),
  POOLED_CAP_SHARES.map((s) => s * tvThreshold),
);
const meanDlp = fitPooledStatistic(
  honestDlp,
  checkMeans(TARGET, 'dlp'),
  POOLED_CAP_SHARES.map((s) => s * dlpCap),
);
const { driftPerCheck: tvDrift, ...tvStatistic } = meanTv;
const { driftPerCheck: dlpDrift, ...dlpStatistic } = meanDlp;
const disagreement = Math.max(
  ...HONEST.map((h) => {
    const agree = condition(h).agree.flat();
    return agree.filter((a) => a === 0).length / agree.length;
  }),
);
// The floor to emulate: every honest position pooled, scaled to the worst honest condition's mean; answers vary
// around it by their own mean over their condition's.
const positions = HONEST.flatMap((h) => condition(h).tv.flat());
const worstMean = Math.max(...honestTv.map(mean));
const factors = HONEST.flatMap((h) => {
  const perCheck = checkMeans(h, 'tv');
  const m = mean(perCheck);
  return perCheck.map((x) => x / m);
});
const round = (x: number) => Number(x.toPrecision(4));
/** Rounded up: a log-MGF rounded down would let the e-value's expectation exceed 1. */
const roundUp = (x: number) => Number((Math.ceil(x * 1e4) / 1e4).toPrecision(4));
const pooledStatistic = ({ honestMean, cap, lambda, logMgf }: typeof tvStatistic) => ({
  honestMean: round(honestMean),
  cap: round(cap),
  lambda: round(lambda),
  logMgf: roundUp(logMgf),
});

const profile: VerificationProfile = verificationProfileSchema.parse({
  name: 'gpu',
  measuredAt,
  provenance:
    `Fitted by scripts/fit-gpu-profile.ts from per-position measurements on one NVIDIA H200 (PyTorch 2.11, CUDA 13): ` +
    `a 36 M-parameter decoder, bf16, 64 held-out prompts x 48 greedy tokens per condition, teacher-forced by a bf16 ` +
    `verifier at batch 8 in another order (the run is undated; measuredAt is the day its data reached this repository). Honest conditions ${HONEST.join(', ')} (one prompt = one check of 48 ` +
    `positions); per-check TV threshold ${GROSS_MARGIN} x the largest honest check; top-1 disagreement ${GROSS_MARGIN} x ` +
    `the largest honest rate; pooled test: honest mean and second moment the largest over the honest conditions, ` +
    `log-MGF bounded from them (Bennett), cap and lambda tuned ` +
    `against ${TARGET} (int8 weight-only, per-channel), on mean TV only (the |delta logprob| bound does not carry to ` +
    `another model); floor: all honest positions' TV quantiles scaled to the worst ` +
    `condition's mean, per-answer factors from per-prompt means.`,
  minPositions: 48,
  perCheck: {
    meanTvThreshold: round(tvThreshold),
    honestTop1Disagreement: round(GROSS_MARGIN * disagreement),
    top1TailProbability: 1e-3,
  },
  conviction: DEFAULT_CONVICTION_RULE,
  pooled: {
    meanTv: pooledStatistic(tvStatistic),
    // Fitted (and printed below) but not shipped: the claimed token's |Δ logprob| per unit of TV is a property of the
    // model (2.3 on the H200 decoder, ~5 on agora-tiny under the same TV floor), and this profile is carried to
    // agora-tiny by the floor emulation, where a bound fitted on the H200 decoder would convict honest hosts.
    meanAbsLogprobDelta: null,
    falseConviction: FALSE_CONVICTION,
  },
  floor: {
    tvQuantiles: quantiles(positions, 200).map((q) => round((q * worstMean) / mean(positions))),
    answerFactorQuantiles: quantiles(factors, 100).map(round),
  },
});
writeFileSync(
  new URL('../src/main/verification-profiles/gpu.json', import.meta.url),
  `${JSON.stringify(profile, null, 2)}\n`,
);

// What the fit promises, per substitute: the share of single checks above the threshold, and the expected checks
// for the pooled score to reach its line (ln(2/α) over the mean gain per check; variance makes some take longer).
const line = Math.log(1 / FALSE_CONVICTION);
console.log(
  `pooled line ${line.toFixed(2)}; drift per check on ${TARGET}: TV ${tvDrift.toFixed(3)}, dlp ${dlpDrift.toFixed(3)}`,
);
for (const name of Object.keys(data)) {
  const tv = checkMeans(name, 'tv');
  const dlp = checkMeans(name, 'dlp');
  const caught = tv.filter((x) => x > tvThreshold).length / tv.length;
  const drift = mean(tv.map((x) => logCheckFactor(tvStatistic, x)));
  const dlpDriftHere = mean(dlp.map((x) => logCheckFactor(dlpStatistic, x)));
  console.log(
    `${name.padEnd(14)} one check fails ${(100 * caught).toFixed(0).padStart(3)} %; pooled TV gain/check ${drift.toFixed(3)}` +
      (drift > 0 ? ` → ~${Math.ceil(line / drift)} checks` : ' (never)') +
      `; |Δ logprob| (not shipped) ${dlpDriftHere.toFixed(3)}`,
  );
}
