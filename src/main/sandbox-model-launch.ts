// `agora sandbox --scenario model-launch`: a model launched from a manifest, run for real. A market on a fresh
// embedded database; the built-in engine serving the generated model as a plain OpenAI-compatible engine under a new
// id, `tiny-chat`, fronted by an `agora host --engine <url>` process. `agora models add` (a CLI process) launches
// v1 with the generated weights as its reference; the host joins by passing its readiness probes and serves a buyer.
// v2, whose probes expect answers the host does not give, is not promoted; v3 is; rollback restores v1. A model
// launched without a reference is unverified, and refused to a buyer who requires verified models.
import { SANDBOX_PROMPTS } from './sandbox-market.ts';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import { buildEngineServer } from '../adapters/http/engine-host/build-engine-server.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { builtinModelFiles, loadBuiltinEngine } from './builtin-model.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket } from './market.ts';
import { runAgora, spawnAgora } from './sandbox-processes.ts';
import { cryptoIds } from './system-ports.ts';

export type ModelLaunchOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type ModelLaunchResult = {
  scenario: 'model-launch';
  seed: number;
  ok: boolean;
  /** v1 of tiny-chat went live from its manifest */
  launched: boolean;
  /** an `agora host --engine <url>` passed the readiness probes and served a buyer */
  probes_passed: boolean;
  buyer_status: number;
  /** v2's probes failed on every host: was it promoted anyway? */
  bad_version_promoted: boolean;
  /** v3 went live, and rollback restored v1 */
  good_version_promoted: boolean;
  rolled_back: boolean;
  /** a model without a reference engine is listed unverified and refused under provider.require_verified */
  unverified_refused: boolean;
};

type Launched = { status: string; version: number; verified: boolean };
type Card = { id: string; name: string; verified: boolean; hosts: number };

export async function runModelLaunchSandbox(options: ModelLaunchOptions): Promise<ModelLaunchResult> {
  const { say } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-model-launch-'));
  const market = await startMarket(localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir }));
  const files = await builtinModelFiles(options.modelCacheDir);
  const engine = await loadBuiltinEngine(files);
  const server = buildEngineServer({ engine, modelId: 'tiny-chat', sha256: files.sha256, quantization: 'f32' });
  const children: ChildProcess[] = [];
  try {
    const engineUrl = await server.listen({ port: 0, host: '127.0.0.1' });
    const prompt = SANDBOX_PROMPTS[createPrng(options.seed).nextUint32() % SANDBOX_PROMPTS.length] as string;
    // The reference's answer: the same weights, greedy.
    const reference = (await (
      await fetch(`${engineUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'tiny-chat',
          messages: [{ role: 'user', content: prompt }],
          max_tokens: 16,
          temperature: 0,
        }),
      })
    ).json()) as { choices: Array<{ message: { content: string } }> };
    const expected = reference.choices[0]?.message.content ?? '';
    say(
      `engine ${engineUrl} serves the generated model as tiny-chat; the reference answers ${JSON.stringify(expected)}`,
    );

    const manifest = (id: string, name: string, expect: string, withReference: boolean) => {
      const path = join(dataDir, `${id}-${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(
        path,
        [
          `id: ${id}`,
          `name: ${JSON.stringify(name)}`,
          'sku:',
          `  digest: sha256:${files.sha256}`,
          '  quantization: f32',
          `tokenizer: ${JSON.stringify(files.dir)}`,
          'context_length: 1024',
          'prices:',
          '  prompt: "0.0000001"',
          '  completion: "0.0000002"',
          ...(withReference ? ['reference:', `  weights: ${JSON.stringify(files.ggufPath)}`] : []),
          'readiness:',
          '  probes:',
          `    - prompt: ${JSON.stringify(prompt)}`,
          `      expect: ${JSON.stringify(expect)}`,
          '      max_tokens: 16',
          '',
        ].join('\n'),
      );
      return path;
    };
    const add = async (path: string): Promise<Launched> =>
      JSON.parse(
        await runAgora(
          ['models', 'add', path, '--market', market.url, '--operator-key', market.operatorKey, '--json'],
          options.modelCacheDir,
        ),
      ) as Launched;
    const card = async (id: string): Promise<Card | undefined> =>
      ((await (await fetch(`${market.url}/v1/models`)).json()) as { data: Card[] }).data.find((m) => m.id === id);

    const v1 = await add(manifest('tiny-chat', 'Tiny chat v1', expected, true));
    say(`agora models add: tiny-chat v${v1.version} ${v1.status}, verified ${v1.verified}`);
    const host = await spawnAgora(
      [
        'host',
        '--market',
        market.url,
        '--engine',
        engineUrl,
        '--models',
        'tiny-chat',
        '--data-dir',
        join(dataDir, 'host'),
        '--name',
        'engine host',
      ],
      /^Host ready: (\S+) /m,
      options.modelCacheDir,
    );
    children.push(host.child);
    say(`agora host --engine ${engineUrl}: ${host.match[1] ?? ''} passed the readiness probes and joined`);

    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyer = await createAccount(admin, 'Sandbox buyer');
    await grantCredits(admin, buyer, 1_000_000_000_000n, `sandbox-model-launch-${options.seed}`);
    const { key } = await issueKey(admin, buyer, 'buyer', unlimitedKey(buyer));
    const ask = async (model: string, provider?: object) => {
      const response = await fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: prompt }],
          max_tokens: 16,
          ...(provider ? { provider } : {}),
        }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
    };
    const served = await ask('tiny-chat');
    say(`a buyer's request to tiny-chat: HTTP ${served.status}`);

    const v2 = await add(
      manifest('tiny-chat', 'Tiny chat v2', 'An answer this engine never gives, whatever it is asked.', true),
    );
    const afterBad = await card('tiny-chat');
    say(`v${v2.version} (probes expect another answer): ${v2.status}; listed now: ${afterBad?.name ?? 'nothing'}`);
    const v3 = await add(manifest('tiny-chat', 'Tiny chat v3', expected, true));
    const afterGood = await card('tiny-chat');
    say(`v${v3.version}: ${v3.status}; listed now: ${afterGood?.name ?? 'nothing'}`);
    await runAgora(
      ['models', 'rollback', 'tiny-chat', '--market', market.url, '--operator-key', market.operatorKey],
      options.modelCacheDir,
    );
    const afterRollback = await card('tiny-chat');
    say(`agora models rollback tiny-chat: listed now: ${afterRollback?.name ?? 'nothing'}`);

    const unverified = await add(manifest('tiny-chat-unverified', 'Tiny chat, no reference', expected, false));
    const refused = await ask('tiny-chat-unverified', { require_verified: true });
    const unverifiedCard = await card('tiny-chat-unverified');
    say(
      `tiny-chat-unverified: verified ${unverified.verified}; with provider.require_verified: HTTP ${refused.status} ${refused.body.error?.code ?? ''}`,
    );

    const launched = v1.status === 'active' && v1.verified;
    const probesPassed = served.status === 200;
    const badVersionPromoted = v2.status !== 'rejected' || afterBad?.name !== 'Tiny chat v1';
    const goodVersionPromoted = v3.status === 'active' && afterGood?.name === 'Tiny chat v3';
    const rolledBack = afterRollback?.name === 'Tiny chat v1';
    const unverifiedRefused =
      unverifiedCard?.verified === false && refused.status === 400 && refused.body.error?.code === 'model_unverified';
    return {
      scenario: 'model-launch',
      seed: options.seed,
      ok: launched && probesPassed && !badVersionPromoted && goodVersionPromoted && rolledBack && unverifiedRefused,
      launched,
      probes_passed: probesPassed,
      buyer_status: served.status,
      bad_version_promoted: badVersionPromoted,
      good_version_promoted: goodVersionPromoted,
      rolled_back: rolledBack,
      unverified_refused: unverifiedRefused,
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await market.close();
    await server.close();
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
