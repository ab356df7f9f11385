// `agora sandbox --scenario calibration`: calibrated verification profiles and what verification costs, run for real.
// A market on a fresh embedded database with its built-in host publishes the built-in engine's measured profile
// (GET /v1/models/agora-tiny); the operator installs a looser `gpu` profile for the built-in engine, calibrated at a
// speed no CPU reaches; a second built-in host declaring `gpu` is refused the model at admission (its probed speed
// contradicts the class); seeded buyer traffic is served and re-scored, and /metrics shows the cost share. Ends
// with one JSON line for tools.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { BUILTIN_MODEL_ID } from './builtin-model.ts';
import { startHostAgent } from './host-agent.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket } from './market.ts';
import { sandboxRequest } from './sandbox.ts';
import { SHIPPED_CALIBRATIONS } from './verification-profile-files.ts';

export type CalibrationSandboxOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type CalibrationSandboxResult = {
  scenario: 'calibration';
  seed: number;
  ok: boolean;
  /** the built-in engine's profile as GET /v1/models/agora-tiny publishes it */
  profile_measured_at: string | null;
  profile_mean_tv_threshold: number | null;
  /** a host declaring `gpu` on a CPU was refused the model, and why */
  gpu_class_refused: boolean;
  refusal: string | null;
  requests: number;
  /** re-scored ÷ served tokens, from /metrics (the built-in host is new: every answer is re-scored) */
  verification_cost_share: number | null;
  verification_cost_share_steady: number | null;
};

type Published = { verification_profiles: Array<{ measured_at: string; per_check: { mean_tv_threshold: number } }> };

const gauge = (metrics: string, scope: string): number | null => {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`agora_verification_cost_share{model="${BUILTIN_MODEL_ID}",scope="${scope}"}`));
  return line ? Number(line.split(' ').at(-1)) : null;
};

export async function runCalibrationSandbox(options: CalibrationSandboxOptions): Promise<CalibrationSandboxResult> {
  const { say } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-calibration-'));
  const hostDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-gpu-host-'));
  const market = await startMarket(
    localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir, builtinHosts: 1 }),
  );
  try {
    const operator = { authorization: `Bearer ${market.operatorKey}`, 'content-type': 'application/json' };
    const card = (await (await fetch(`${market.url}/v1/models/${BUILTIN_MODEL_ID}`)).json()) as Published;
    const [profile] = card.verification_profiles;
    say(
      `published profile: measured ${profile?.measured_at}, per-check TV threshold ${profile?.per_check.mean_tv_threshold}`,
    );

    const shipped = SHIPPED_CALIBRATIONS[0]!;
    const gpu = {
      ...shipped.profile,
      name: 'gpu',
      perCheck: { ...shipped.profile.perCheck, meanTvThreshold: 10 * shipped.profile.perCheck.meanTvThreshold },
      model: BUILTIN_MODEL_ID,
      engine_kind: 'builtin',
      hardware_class: 'gpu',
      decode_tokens_per_second: 1_000_000,
    };
    const installed = await fetch(`${market.url}/admin/verification/profiles`, {
      method: 'POST',
      headers: operator,
      body: JSON.stringify(gpu),
    });
    say(
      `installed a looser 'gpu' profile for the built-in engine (calibrated at 1,000,000 tokens/s): ${installed.status}`,
    );

    // The second host's agent says which models it was not admitted for, and why.
    let refusal: string | null = null;
    const agent = await startHostAgent({
      marketUrl: market.url,
      engine: { kind: 'builtin' },
      maxConcurrency: 2,
      hardwareClass: 'gpu',
      dataDir: hostDir,
      modelCacheDir: options.modelCacheDir,
      listenHost: '127.0.0.1',
      port: 0,
      onEvent: (message) => {
        if (message.startsWith(`not admitted for ${BUILTIN_MODEL_ID}:`)) refusal = message;
      },
    });
    say(
      `a host declaring 'gpu' on this CPU: admitted for ${agent.admitted.join(', ') || 'nothing'}; ${refusal ?? `admitted for ${BUILTIN_MODEL_ID}`}`,
    );
    await agent.close();

    const call = async (path: string, body: object) =>
      (await (
        await fetch(`${market.url}${path}`, { method: 'POST', headers: operator, body: JSON.stringify(body) })
      ).json()) as Record<string, string>;
    const account = await call('/admin/accounts', { name: 'calibration sandbox buyer' });
    await call(`/admin/accounts/${account.id}/credits`, {
      amount: '10',
      idempotency_key: `calibration-${options.seed}`,
    });
    const { key } = await call('/admin/keys', { account_id: account.id, name: 'calibration sandbox' });
    const prng = createPrng(options.seed);
    let served = 0;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...sandboxRequest(prng), stream: false }),
      });
      if (res.ok) served++;
      await res.text();
    }
    await market.flushBilling();
    const metrics = await (await fetch(`${market.url}/metrics`)).text();
    const share = gauge(metrics, 'all');
    const steady = gauge(metrics, 'steady');
    say(`served ${served} answers; verification cost: ${share} of serving compute (steady state: ${steady})`);
    const refused = refusal !== null && /declared hardware class 'gpu'/.test(refusal as string);
    return {
      scenario: 'calibration',
      seed: options.seed,
      ok: profile !== undefined && installed.status === 201 && refused && served === 12 && share !== null && share > 0,
      profile_measured_at: profile?.measured_at ?? null,
      profile_mean_tv_threshold: profile?.per_check.mean_tv_threshold ?? null,
      gpu_class_refused: refused,
      refusal,
      requests: served,
      verification_cost_share: share,
      verification_cost_share_steady: steady,
    };
  } finally {
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(hostDir, { recursive: true, force: true });
  }
}
