// `agora sandbox --scenario sampling-params`: logit_bias and presence / frequency penalties on a real market (fresh
// embedded database) with an `agora host` process on the built-in engine. A bias of +100 on the model's second
// choice makes it the first; a key that is not a token id is refused with `param: logit_bias`; a seeded mix of
// biased and penalised requests from a new host (every answer of a new host is kept) is re-scored with the
// adjustments replayed on the reference (decision 024): every check passes and the honest host is never convicted.
// Ends with one JSON line for tools.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import type { CheckEvent } from '../app/verification/verifier.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket } from './market.ts';
import { sandboxRequest } from './sandbox.ts';
import { spawnHost } from './sandbox-processes.ts';
import { cryptoIds } from './system-ports.ts';

export type SamplingParamsOptions = { seed: number; requests: number; modelCacheDir: string; say(line: string): void };

export type SamplingParamsResult = {
  scenario: 'sampling-params';
  seed: number;
  ok: boolean;
  bias_applied: boolean;
  invalid_bias_refused: boolean;
  biased_requests: number;
  biased_checks_passed: number;
  biased_checks_failed: number;
  biased_positions_verified: number;
  convictions_of_honest: number;
};

type ChatAnswer = {
  choices?: Array<{ logprobs?: { content?: Array<{ id: number; top_logprobs: Array<{ id: number }> }> } }>;
  error?: { param: string | null };
};

export async function runSamplingParamsSandbox(options: SamplingParamsOptions): Promise<SamplingParamsResult> {
  const { say } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-sampling-'));
  const checks: CheckEvent[] = [];
  const market = await startMarket(
    localMarketOptions({
      dataDir,
      modelCacheDir: options.modelCacheDir,
      verification: { samplingFloor: 0.02, workerIntervalMs: 100 },
      onVerificationCheck: (event) => checks.push(event),
    }),
  );
  const hosts: ChildProcess[] = [];
  try {
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyer = await createAccount(admin, 'Sandbox buyer');
    await grantCredits(admin, buyer, 1_000_000_000_000n, `sandbox-sampling-${options.seed}`);
    const { key } = await issueKey(admin, buyer, 'buyer', unlimitedKey(buyer));
    const host = await spawnHost(market.url, join(dataDir, 'host'), 'honest', options.modelCacheDir);
    hosts.push(host.child);
    say(`market ${market.url}: one \`agora host\` process (${host.hostId}); seed ${options.seed}`);

    const prng = createPrng(options.seed);
    const ask = async (body: object) => {
      const res = await fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...sandboxRequest(prng), stream: false, ...body }),
      });
      return { status: res.status, answer: (await res.json()) as ChatAnswer };
    };
    const greedy = { temperature: 0, logprobs: true, top_logprobs: 5, max_tokens: 4 };
    const firstPosition = (a: ChatAnswer) => a.choices?.[0]?.logprobs?.content?.[0];
    const probe = firstPosition((await ask(greedy)).answer);
    const second = probe?.top_logprobs[1]?.id;
    const biased =
      second === undefined
        ? undefined
        : firstPosition((await ask({ ...greedy, logit_bias: { [second]: 100 } })).answer);
    const biasApplied = second !== undefined && biased?.id === second;
    say(`greedy first token ${probe?.id}; with logit_bias {${second}: 100} it is ${biased?.id}`);

    const refused = await ask({ logit_bias: { '99999999': 1 } });
    const invalidRefused = refused.status === 400 && refused.answer.error?.param === 'logit_bias';
    say(`logit_bias with a key that is no token id: HTTP ${refused.status}, param ${refused.answer.error?.param}`);

    // Biases on the tokens the model likes most (where they move the most mass), penalties of either sign.
    const candidates = probe ? [probe.id, ...probe.top_logprobs.map((t) => t.id)] : [];
    const signed = () => Math.round((prng.nextUnit() * 2 - 1) * 20) / 10;
    for (let i = 0; i < options.requests; i++) {
      const logitBias = Object.fromEntries(
        candidates.filter(() => prng.nextUnit() < 0.5).map((id) => [id, Math.round((prng.nextUnit() * 2 - 1) * 8)]),
      );
      await ask({ logit_bias: logitBias, presence_penalty: signed(), frequency_penalty: signed() });
    }
    await market.verifyNow?.();
    const passed = checks.filter((c) => c.verdict.passed);
    const failed = checks.filter((c) => !c.verdict.passed);
    const convictions = checks.filter((c) => c.conviction !== undefined).length;
    const positions = passed.reduce((n, c) => n + c.verdict.positions, 0);
    say(
      `${options.requests} biased / penalised requests: ${checks.length} checks, ${failed.length} failed, ${positions} positions verified; convictions ${convictions}`,
    );
    for (const c of failed) say(`failed check: ${c.verdict.reasons.join('; ')}`);
    return {
      scenario: 'sampling-params',
      seed: options.seed,
      ok: biasApplied && invalidRefused && passed.length > 0 && failed.length === 0 && convictions === 0,
      bias_applied: biasApplied,
      invalid_bias_refused: invalidRefused,
      biased_requests: options.requests,
      biased_checks_passed: passed.length,
      biased_checks_failed: failed.length,
      biased_positions_verified: positions,
      convictions_of_honest: convictions,
    };
  } finally {
    for (const child of hosts) child.kill('SIGKILL');
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
