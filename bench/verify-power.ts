// `npm run verify:power`: how fast the verifier convicts each kind of substitute, and how often it fails an honest
// host, over many seeds. It runs the sandbox's seeded traffic mix straight on the engines (no HTTP, no database:
// minutes instead of hours) through the verifier's own code — teacher-forced examination, pooling to ≥ 48 positions,
// the verdict and both conviction tests (per check, pooled). Honest hosts serve four requests at a time (shared batches).
//   npm run verify:power -- --seeds 100 --cheats q8_0,noise --max-checks 10
// `--floor-profile <name|path>` judges by that profile and gives every host (not the reference) its honest floor:
//   npm run verify:power -- --floor-profile gpu --seeds 100 --max-checks 20 --honest-checks 20
import { parseArgs } from 'node:util';
import { examineResponse, type ReferenceEngine } from '../src/app/verification/verifier.ts';
import type { CompletionPayload } from '../src/app/verification/verification-store.ts';
import { afterVerdict, type ConvictionStatistic, type HostEvidence } from '../src/domain/verification/host-evidence.ts';
import { engineFloor } from '../src/domain/verification/floor-emulation.ts';
import { NO_POOLED_EVIDENCE } from '../src/domain/verification/pooled-test.ts';
import {
  judgePool,
  VERIFY_TOP_K,
  type CheckVerdict,
  type SampleFindings,
} from '../src/domain/verification/response-check.ts';
import { CPU_PROFILE } from '../src/domain/verification/thresholds.ts';
import { createPrng, type Prng } from '../src/domain/tiny-model/prng.ts';
import { describeVariant, type VariantName } from '../src/domain/tiny-model/model-variant.ts';
import { loadLlamaEngine, type LlamaEngine } from '../src/adapters/engines/builtin/llama-engine.ts';
import { ensureTinyModel } from '../src/adapters/engines/builtin/model-cache.ts';
import { CHEATS, sandboxRequest, type Cheat } from '../src/main/sandbox.ts';
import { modelCacheDir } from '../src/main/tiny-models.ts';
import { referenceEngine } from '../src/main/verification.ts';
import { loadVerificationProfile } from '../src/main/verification-profiles.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    cheats: { type: 'string', default: CHEATS.join(',') },
    'max-checks': { type: 'string', default: '10' },
    'honest-checks': { type: 'string', default: '10' },
    'floor-profile': { type: 'string' },
  },
});
const seeds = Number(values.seeds);
const maxChecks = Number(values['max-checks']);
const honestChecks = Number(values['honest-checks']);
const cheats = values.cheats.split(',') as Cheat[];
const CONCURRENCY = 4;
const profile = values['floor-profile'] ? loadVerificationProfile(values['floor-profile']) : CPU_PROFILE;
/** Checks within which a cheater should be convicted: the per-check rule's minimum of four without a floor. */
const GOAL_CHECKS = profile.floor ? 20 : 5;

/** An engine of this variant; a host (salt ≠ 0) carries the profile's floor, the reference (salt 0) never does. */
const load = async (variant: VariantName, sequences: number, salt: number) =>
  loadLlamaEngine({
    modelPath: (await ensureTinyModel(modelCacheDir(), describeVariant(variant))).ggufPath,
    sequences,
    contextSize: 1024,
    ...(profile.floor && salt !== 0 ? { floor: engineFloor(profile.floor, VERIFY_TOP_K, salt, createPrng) } : {}),
  });

/** What the market would keep of one answer of this engine to one request of the sandbox's mix. */
async function answer(engine: LlamaEngine, prng: Prng): Promise<CompletionPayload> {
  const request = sandboxRequest(prng) as {
    messages: Array<{ role: string; content: string }>;
    temperature: number;
    max_tokens: number;
    seed: number;
  };
  const promptIds = engine.tokenize(engine.renderChat(request.messages), { special: true });
  const claimed: CompletionPayload['claimed'] = [];
  let stopped = false;
  for await (const event of engine.generate({
    promptIds,
    maxTokens: request.max_tokens,
    temperature: request.temperature,
    topP: 1,
    seed: request.seed,
    topK: VERIFY_TOP_K,
    stop: [],
  })) {
    if (event.type === 'token')
      claimed.push({ id: event.token.id, logprob: event.token.logprob, top: event.token.top });
    if (event.type === 'finish') stopped = event.reason === 'stop';
  }
  return { promptIds, claimed, temperature: request.temperature, stoppedByModel: stopped };
}

/** Checks of one host under one seed: until conviction (a cheater) or `limit` checks. */
async function checkHost(
  host: LlamaEngine,
  reference: ReferenceEngine,
  seed: number,
  limit: number,
  stopAtConviction: boolean,
) {
  const prng = createPrng(seed);
  const checks: CheckVerdict[] = [];
  let pool: SampleFindings[] = [];
  let evidence: HostEvidence = { score: 0, pooled: NO_POOLED_EVIDENCE };
  let convictedAt: number | null = null;
  let convictedBy: ConvictionStatistic | null = null;
  while (checks.length < limit && !(stopAtConviction && convictedAt !== null)) {
    const answers = await Promise.all(Array.from({ length: CONCURRENCY }, () => answer(host, prng)));
    for (const payload of answers) {
      pool.push((await examineResponse(reference, payload)) as SampleFindings);
      const verdict = judgePool(pool, profile);
      if (!verdict || checks.length >= limit || (stopAtConviction && convictedAt !== null)) continue;
      checks.push(verdict);
      pool = [];
      const next = afterVerdict(evidence, verdict, profile);
      evidence = next.evidence;
      if (next.convictedBy && convictedAt === null) {
        convictedAt = checks.length;
        convictedBy = next.convictedBy;
      }
    }
  }
  return { checks, convictedAt, convictedBy };
}

/** The mean of one statistic over checks: how far this host lies from the reference, on average. */
const meanOver = (checks: readonly CheckVerdict[], key: 'meanTv' | 'meanAbsLogprobDelta') =>
  checks.reduce((s, c) => s + c[key], 0) / Math.max(1, checks.length);
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const progress = (label: string, done: number) =>
  process.stderr.write(`\r${label}: ${'#'.repeat(Math.round((20 * done) / seeds)).padEnd(20, '.')} ${done}/${seeds}`);

const referenceCopy = await load('reference', 1, 0);
const reference = referenceEngine(referenceCopy, 'agora-tiny f32');
const honest = await load('reference', CONCURRENCY, 1);
const rows: string[] = [];
try {
  let honestTotal = 0;
  let honestFailed = 0;
  let honestConvicted = 0;
  const honestRuns: CheckVerdict[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await checkHost(honest, reference, seed, honestChecks, false);
    honestTotal += run.checks.length;
    honestFailed += run.checks.filter((c) => !c.passed).length;
    if (run.convictedAt !== null) honestConvicted++;
    honestRuns.push(...run.checks);
    progress('honest', seed);
  }
  process.stderr.write('\n');
  const honestLine = {
    host: 'honest',
    profile: profile.name,
    seeds,
    mean_tv: meanOver(honestRuns, 'meanTv'),
    mean_abs_logprob_delta: meanOver(honestRuns, 'meanAbsLogprobDelta'),
    checks: honestTotal,
    failed_checks: honestFailed,
    false_failure_rate: honestFailed / honestTotal,
    convicted: honestConvicted,
  };
  console.log(JSON.stringify(honestLine));
  rows.push(
    `| honest (4 concurrent) | ${seeds} | ${honestTotal} checks, ${honestFailed} failed (${(honestFailed / honestTotal).toExponential(1)}) | ${honestConvicted} convicted | — | — |`,
  );

  for (const cheat of cheats) {
    const host = await load(cheat, CONCURRENCY, 2);
    try {
      const toConviction: number[] = [];
      const convictedBy: Record<ConvictionStatistic, number> = { per_check: 0, pooled: 0 };
      let failed = 0;
      let total = 0;
      const runs: CheckVerdict[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const run = await checkHost(host, reference, seed, maxChecks, true);
        total += run.checks.length;
        failed += run.checks.filter((c) => !c.passed).length;
        runs.push(...run.checks);
        toConviction.push(run.convictedAt ?? Number.POSITIVE_INFINITY);
        if (run.convictedBy) convictedBy[run.convictedBy]++;
        progress(cheat, seed);
      }
      process.stderr.write('\n');
      const sorted = [...toConviction].sort((a, b) => a - b);
      const withinGoal = toConviction.filter((n) => n <= GOAL_CHECKS).length / seeds;
      const line = {
        cheat,
        seeds,
        mean_tv: meanOver(runs, 'meanTv'),
        mean_abs_logprob_delta: meanOver(runs, 'meanAbsLogprobDelta'),
        convicted: toConviction.filter(Number.isFinite).length,
        [`within_${GOAL_CHECKS}_checks`]: withinGoal,
        convicted_by: convictedBy,
        checks_to_conviction: {
          min: sorted[0],
          median: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          max: sorted.at(-1),
        },
        check_failure_rate: failed / total,
        goal_met: withinGoal >= 0.99,
      };
      console.log(JSON.stringify(line));
      rows.push(
        `| ${cheat} | ${seeds} | ${failed}/${total} checks failed | ${(withinGoal * 100).toFixed(0)} % within ${GOAL_CHECKS} checks (${convictedBy.per_check} per check, ${convictedBy.pooled} pooled) | ${line.checks_to_conviction.median} / ${line.checks_to_conviction.p99} / ${line.checks_to_conviction.max} | ${line.goal_met ? 'met' : 'missed'} |`,
      );
    } finally {
      await host.close();
    }
  }
} finally {
  await honest.close();
  await referenceCopy.close();
}
console.log(
  [
    '',
    '| host | seeds | checks | convictions | checks to conviction (median / p99 / max) | goal |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
