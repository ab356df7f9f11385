// Verification profiles end to end: the built-in engine's measured profile is installed on start and published with
// its date; an operator installs a calibration's profile; a host declaring a looser hardware class than its speed
// shows is refused the model, and the same host declaring the default class is admitted; what verification costs
// shows per model on the operator's surface.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMISSION_PROBE_MESSAGES } from '../../src/app/hosts/host-registry.ts';
import { promptTokenIds } from '../../src/app/v1/prompt-metering.ts';
import { loadTokenizerDir } from '../../src/adapters/tokenizers/launched-tokenizers.ts';
import { postChat } from '../support/chat-request.ts';
import { registerHost, signedRegistration } from '../support/host-registration.ts';
import { startScriptedUpstream, type ScriptedUpstream } from '../support/scripted-upstream.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';
import { tinyModelFiles } from '../support/tiny-engine.ts';

const SHIPPED = JSON.parse(
  readFileSync(new URL('../../src/main/verification-profiles/agora-tiny-builtin-cpu.json', import.meta.url), 'utf8'),
) as { measuredAt: string; perCheck: { meanTvThreshold: number }; decode_tokens_per_second: number };

const root = mkdtempSync(join(tmpdir(), 'agora-profiles-'));
let market: TestMarket;
let upstream: ScriptedUpstream;
beforeAll(async () => {
  market = await startTestMarket();
  // An engine that counts the admission probe's prompt right, and answers "Hi" (one token) after 200 ms.
  const tokenizer = await loadTokenizerDir((await tinyModelFiles()).dir);
  const promptTokens = promptTokenIds(tokenizer, { kind: 'chat', body: { messages: ADMISSION_PROBE_MESSAGES } }).length;
  upstream = await startScriptedUpstream({
    status: 200,
    delayMs: 200,
    body: {
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model: 'agora-tiny',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'length' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: 1, total_tokens: promptTokens + 1 },
    },
  });
}, 120_000);
afterAll(async () => {
  await upstream.stop();
  await market.stop();
  rmSync(root, { recursive: true, force: true });
});

type Published = {
  engine_kind: string;
  hardware_class: string;
  measured_at: string;
  per_check: { mean_tv_threshold: number };
};
const published = async () =>
  ((await (await fetch(`${market.url}/v1/models/agora-tiny`)).json()) as { verification_profiles: Published[] })
    .verification_profiles;

describe('verification profiles', () => {
  it("publishes the built-in engine's measured profile with the date it was measured", async () => {
    expect(await published()).toEqual([
      expect.objectContaining({
        engine_kind: 'builtin',
        hardware_class: 'cpu',
        measured_at: SHIPPED.measuredAt,
        per_check: expect.objectContaining({ mean_tv_threshold: SHIPPED.perCheck.meanTvThreshold }),
        least_decode_tokens_per_second: SHIPPED.decode_tokens_per_second / 2,
      }),
    ]);
  });

  it('refuses a host the model when its speed contradicts a looser class it declares, and admits it under its true class', async () => {
    // A GPU profile for engines at a URL: ten times looser, calibrated on a host doing 10,000 tokens/s.
    const gpu = {
      ...SHIPPED,
      name: 'gpu',
      perCheck: { ...SHIPPED.perCheck, meanTvThreshold: 10 * SHIPPED.perCheck.meanTvThreshold },
      engine_kind: 'openai-compatible',
      hardware_class: 'gpu',
      decode_tokens_per_second: 10_000,
    };
    const installed = await admin(market, 'POST', '/admin/verification/profiles', gpu);
    expect(installed).toMatchObject({ status: 201, body: { hardware_class: 'gpu', engine_kind: 'openai-compatible' } });
    expect((await published()).map((p) => p.hardware_class).sort()).toEqual(['cpu', 'gpu']);

    const asGpu = await registerHost(
      market.url,
      await signedRegistration(join(root, 'host.key'), { base_url: upstream.url, hardware_class: 'gpu' }),
    );
    expect(asGpu).toMatchObject({ status: 403, body: { error: { code: 'host_not_admitted' } } });
    expect(asGpu.body.error.message).toMatch(
      /declared hardware class 'gpu', but probed at [\d.]+ tokens\/s, below 5000/,
    );

    const asCpu = await registerHost(
      market.url,
      await signedRegistration(join(root, 'host.key'), { base_url: upstream.url, hardware_class: 'cpu' }),
    );
    expect(asCpu).toMatchObject({ status: 201, body: { status: 'active' } });
  });

  it('refuses a profile file that is not a calibration, with the field that is wrong', async () => {
    const refused = await admin<{ error: { param: string } }>(market, 'POST', '/admin/verification/profiles', {
      ...SHIPPED,
      hardware_class: 'GPU!',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.param).toContain('hardware_class');
  });

  it("shows what verification costs per model: a new host's answers are all re-scored", async () => {
    const buyer = await fundedBuyer(market, '10');
    expect(
      (await postChat(market.url, buyer.key, { max_tokens: 8, provider: { only: [market.hosts[0]!.hostId] } })).status,
    ).toBe(200);
    const cost = await admin<{ data: Array<{ model: string; overall: { share: number; served_tokens: number } }> }>(
      market,
      'GET',
      '/admin/verification/cost',
    );
    const tiny = cost.body.data.find((c) => c.model === 'agora-tiny');
    expect(tiny?.overall.served_tokens).toBeGreaterThan(8);
    expect(tiny?.overall.share).toBeGreaterThan(0.9);
  });
});
