// `agora sandbox --scenario substitute`: the product's proof. A market on a fresh embedded database, honest host
// agents serving the built-in SKU, and one host that serves a substitute under the same SKU (other weights, a
// quantized copy, fewer layers or noisy weights). Seeded mixed traffic goes through the real paid path; the real
// sampler and verifier decide. The run reports every check, the conviction and the refunds, and ends with one JSON
// line for tools. With a floor profile every host's answers carry that hardware's honest floor (floor-emulation.ts)
// and the verifier judges by the profile: honest hosts then disagree with the reference as GPU hosts do, and the
// pooled test has to find the substitute.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import type { CheckEvent } from '../app/verification/verifier.ts';
import { formatNanos } from '../domain/money/nanos.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { engineFloor } from '../domain/verification/floor-emulation.ts';
import type { ConvictionStatistic } from '../domain/verification/host-evidence.ts';
import { VERIFY_TOP_K } from '../domain/verification/response-check.ts';
import type { VerificationProfile } from '../domain/verification/verification-profile.ts';
import { describeVariant, type VariantName } from '../domain/tiny-model/model-variant.ts';
import { ensureTinyModel } from '../adapters/engines/builtin/model-cache.ts';
import { readSecretFile } from '../adapters/keys/secret-files.ts';
import { BUILTIN_MODEL_ID } from './builtin-model.ts';
import { startHostAgent, type RunningHostAgent } from './host-agent.ts';
import { startMarket, type RunningMarket } from './market.ts';
import { localMarketOptions } from './local-market-options.ts';
import { cryptoIds } from './system-ports.ts';

export const CHEATS = ['other-seed', 'q4_0', 'q8_0', 'fewer-layers', 'noise'] as const satisfies readonly VariantName[];
export type Cheat = (typeof CHEATS)[number];

export type SandboxOptions = {
  cheat: Cheat;
  seed: number;
  honestHosts: number;
  /** the most requests sent; the run stops early once every cheater is convicted */
  maxRequests: number;
  concurrency: number;
  /** judge by this profile, and give every host its honest floor (when it keeps one) */
  floorProfile?: VerificationProfile | undefined;
  modelCacheDir: string;
  say(line: string): void;
  /** looks at the market before it closes (tests compare the ledger with the result) */
  inspect?: (run: {
    market: RunningMarket;
    buyerAccountId: string;
    credited: bigint;
    cheaters: Array<{ hostId: string; hostToken: string }>;
    result: SandboxResult;
  }) => Promise<void>;
};

export type SandboxResult = {
  scenario: 'substitute';
  cheat: Cheat;
  seed: number;
  /** the cheater convicted, no honest host convicted */
  ok: boolean;
  cheaters_convicted: number;
  honest_convicted: number;
  checks_to_conviction: number[];
  /** per convicted cheater, which test convicted it */
  convicted_by: ConvictionStatistic[];
  /** the profile the run was judged by */
  profile: string;
  honest_checks: number;
  honest_failed_checks: number;
  requests: number;
  refunded: string;
};

const PROMPTS = [
  'Tell me about the market.',
  'How does a host earn?',
  'What does the ledger keep?',
  'Hello! Who are you?',
  'What happens when a host fails?',
  'What does the verifier do?',
  'Tell me about the quick brown fox.',
  'What is a token?',
];

type HostRole = { agent: RunningHostAgent; name: string; cheater: boolean; checks: CheckEvent[] };

/** One request of the seeded mix: prompt, temperature (greedy or sampled), length, streaming or not. */
export function sandboxRequest(prng: ReturnType<typeof createPrng>): Record<string, unknown> {
  const pick = <T>(list: readonly T[]): T => list[prng.nextUint32() % list.length] as T;
  return {
    model: BUILTIN_MODEL_ID,
    messages: [{ role: 'user', content: pick(PROMPTS) }],
    temperature: pick([0, 0.7, 1]),
    max_tokens: 48 + (prng.nextUint32() % 17),
    seed: prng.nextUint32() % 2 ** 31,
    stream: prng.nextUnit() < 0.5,
  };
}

export async function runSandbox(options: SandboxOptions): Promise<SandboxResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-'));
  const say = options.say;
  const market = await startMarket(
    localMarketOptions({
      dataDir,
      modelCacheDir: options.modelCacheDir,
      settlementIntervalMs: 5_000,
      verification: {
        samplingFloor: 0.02,
        workerIntervalMs: 100,
        ...(options.floorProfile ? { profile: options.floorProfile } : {}),
      },
      onVerificationCheck: (event) => onCheck(event),
    }),
  );
  const hosts: HostRole[] = [];
  try {
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyer = await createAccount(admin, 'Sandbox buyer');
    const credited = 1_000_000_000_000n;
    await grantCredits(admin, buyer, credited, `sandbox-${options.seed}`);
    const { key } = await issueKey(admin, buyer, 'buyer', unlimitedKey(buyer));
    const substitute = await ensureTinyModel(options.modelCacheDir, describeVariant(options.cheat));
    const floorOf = (salt: number) =>
      options.floorProfile?.floor
        ? { floor: engineFloor(options.floorProfile.floor, VERIFY_TOP_K, salt, createPrng) }
        : {};
    const start = (name: string, cheater: boolean, salt: number) =>
      startHostAgent({
        marketUrl: market.url,
        engine: cheater
          ? { kind: 'builtin', weights: substitute, ...floorOf(salt) }
          : { kind: 'builtin', ...floorOf(salt) },
        maxConcurrency: 4,
        dataDir: join(dataDir, 'hosts', name),
        modelCacheDir: options.modelCacheDir,
        listenHost: '127.0.0.1',
        port: 0,
        name,
      }).then((agent) => hosts.push({ agent, name, cheater, checks: [] }));
    await Promise.all([
      ...Array.from({ length: options.honestHosts }, (_, i) => start(`honest-${i + 1}`, false, i + 1)),
      start(`cheater-${options.cheat}`, true, options.honestHosts + 1),
    ]);
    say(
      `market ${market.url}: ${options.honestHosts} honest host(s) and one serving '${options.cheat}' as ${BUILTIN_MODEL_ID}; seed ${options.seed}`,
    );

    const prng = createPrng(options.seed);
    let sent = 0;
    const cheatersLeft = () => hosts.some((h) => h.cheater && !h.checks.some((c) => c.conviction));
    const worker = async () => {
      while (sent < options.maxRequests && cheatersLeft()) {
        const body = sandboxRequest(prng);
        sent++;
        const response = await fetch(`${market.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await response.text();
        if (response.status !== 200) say(`request ${sent}: HTTP ${response.status}`);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    await market.flushBilling();
    await market.verifyNow?.();

    const honest = hosts.filter((h) => !h.cheater);
    const cheaters = hosts.filter((h) => h.cheater);
    const convictionOf = (h: HostRole) => h.checks.find((c) => c.conviction)?.conviction;
    const countedUntilConviction = (h: HostRole) => h.checks.findIndex((c) => c.conviction) + 1;
    const refunded = cheaters.reduce((sum, h) => sum + (convictionOf(h)?.refunded ?? 0n), 0n);
    for (const h of hosts) {
      const failed = h.checks.filter((c) => !c.verdict.passed).length;
      const conviction = convictionOf(h);
      say(
        `${h.name.padEnd(22)} ${h.cheater ? 'cheater' : 'honest '}  checks ${String(h.checks.length).padStart(3)}  failed ${String(failed).padStart(3)}  ` +
          (conviction
            ? `convicted after ${countedUntilConviction(h)} checks, ${conviction.responsesRefunded} responses refunded (${formatNanos(conviction.refunded)})`
            : 'not convicted'),
      );
    }
    const convicted = cheaters.filter((h) => convictionOf(h)).length;
    const honestConvicted = honest.filter((h) => convictionOf(h)).length;
    const result: SandboxResult = {
      scenario: 'substitute',
      cheat: options.cheat,
      seed: options.seed,
      ok: convicted === cheaters.length && honestConvicted === 0,
      cheaters_convicted: convicted,
      honest_convicted: honestConvicted,
      checks_to_conviction: cheaters.filter((h) => convictionOf(h)).map(countedUntilConviction),
      convicted_by: cheaters.flatMap((h) => convictionOf(h)?.convictedBy ?? []),
      profile: options.floorProfile?.name ?? 'cpu',
      honest_checks: honest.reduce((n, h) => n + h.checks.length, 0),
      honest_failed_checks: honest.reduce((n, h) => n + h.checks.filter((c) => !c.verdict.passed).length, 0),
      requests: sent,
      refunded: formatNanos(refunded),
    };
    if (options.inspect) {
      const tokens = await Promise.all(
        cheaters.map(async (h) => ({
          hostId: h.agent.hostId,
          hostToken: (await readSecretFile(join(dataDir, 'hosts', h.name, 'host.token'))) ?? '',
        })),
      );
      await options.inspect({ market, buyerAccountId: buyer, credited, cheaters: tokens, result });
    }
    return result;
  } finally {
    await Promise.all(hosts.map((h) => h.agent.close()));
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  function onCheck(event: CheckEvent): void {
    const host = hosts.find((h) => h.agent.hostId === event.hostId);
    if (!host) return;
    host.checks.push(event);
    const v = event.verdict;
    say(
      `check ${host.name}: ${v.passed ? 'passed' : 'FAILED'}  mean TV ${v.meanTv.toExponential(2)} over ${v.positions} positions` +
        `${v.greedyMismatches ? `, ${v.greedyMismatches} greedy mismatch(es)` : ''}${v.implausibleStops ? `, ${v.implausibleStops} implausible stop(s)` : ''}` +
        `  (evidence ${event.standing.evidenceScore.toFixed(2)}, pooled ${event.standing.pooled.meanTv.toFixed(2)}, reputation ${event.standing.reputation})` +
        `${event.alreadyRefunded ? '  answers already refunded by its conviction: no new evidence' : ''}`,
    );
    if (event.conviction) {
      const c = event.conviction;
      say(
        `CONVICTED ${host.name} after ${host.checks.length} checks (${c.convictedBy}): suspended; ${c.responsesRefunded} responses refunded, ${formatNanos(c.refunded)} (host ${formatNanos(c.fromHost)}, treasury ${formatNanos(c.fromTreasury)}, funding ${formatNanos(c.fromFunding)})`,
      );
    }
  }
}
