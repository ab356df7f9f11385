// A model served by scripted hosts (test doubles of engines, metered with the built-in model's tokenizer), one
// operator-registered host per script, with host ids `<model>-<i>`.
import { afterAll, beforeAll } from 'vitest';
import { startScriptedUpstream, type Script, type ScriptedUpstream } from './scripted-upstream.ts';
import type { MarketOptions } from '../../src/main/market.ts';
import { admin, startTestMarket, type TestMarket } from './test-market.ts';
import { tinyModelFiles } from './tiny-engine.ts';

export const scriptedAnswer = {
  id: 'x',
  object: 'chat.completion',
  created: 0,
  model: 'scripted',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The market.' }, finish_reason: 'stop' }],
};

/** A market with no built-in host for the file's tests (started before them, stopped after with every scripted host). */
export function scriptedMarket(overrides: Partial<MarketOptions> = {}): {
  readonly market: TestMarket;
  serve(modelId: string, scripts: Script[], maxConcurrency?: number): Promise<ScriptedUpstream[]>;
} {
  let market: TestMarket | undefined;
  const upstreams: ScriptedUpstream[] = [];
  beforeAll(async () => {
    market = await startTestMarket({ builtinHosts: 0, ...overrides });
  });
  afterAll(async () => {
    await market?.stop();
    for (const upstream of upstreams) await upstream.stop();
  });
  return {
    get market() {
      if (!market) throw new Error('the scripted market starts in beforeAll');
      return market;
    },
    serve(modelId, scripts, maxConcurrency) {
      return modelServedBy(this.market, modelId, scripts, upstreams, 'openai-compatible', maxConcurrency);
    },
  };
}

/** `maxConcurrency`: what each host declares (none: the gateway neither queues nor sheds for it). */
export async function modelServedBy(
  market: TestMarket,
  modelId: string,
  scripts: Script[],
  started: ScriptedUpstream[] = [],
  engineKind = 'openai-compatible',
  maxConcurrency?: number,
): Promise<ScriptedUpstream[]> {
  const tiny = await tinyModelFiles();
  await market.store.upsertModel({
    id: modelId,
    name: modelId,
    contextLength: 1024,
    promptPrice: 100n,
    completionPrice: 200n,
    defaultMaxTokens: 64,
    maxTokensCap: 512,
    tokenizerDir: tiny.dir,
    digest: 'none',
    quantization: 'unknown',
  });
  const mine: ScriptedUpstream[] = [];
  for (const [i, script] of scripts.entries()) {
    const upstream = await startScriptedUpstream(script);
    started.push(upstream);
    mine.push(upstream);
    const registered = await admin(market, 'POST', '/admin/engines', {
      id: `${modelId}-${i}`,
      name: `host ${i}`,
      base_url: upstream.url,
      engine_kind: engineKind,
      model_id: modelId,
      upstream_model: 'scripted',
      max_concurrency: maxConcurrency,
    });
    if (registered.status !== 201) throw new Error(`registering ${modelId}-${i}: ${registered.status}`);
  }
  return mine;
}
