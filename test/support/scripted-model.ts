// A model served by scripted hosts (test doubles of engines, metered with the built-in model's tokenizer), one
// operator-registered host per script, with host ids `<model>-<i>`.
import { startScriptedUpstream, type Script, type ScriptedUpstream } from './scripted-upstream.ts';
import { admin, type TestMarket } from './test-market.ts';
import { tinyModelFiles } from './tiny-engine.ts';

export const scriptedAnswer = { id: 'x', object: 'chat.completion', created: 0, model: 'scripted', choices: [{ index: 0, message: { role: 'assistant', content: 'The market.' }, finish_reason: 'stop' }] };

export async function modelServedBy(market: TestMarket, modelId: string, scripts: Script[], started: ScriptedUpstream[] = []): Promise<ScriptedUpstream[]> {
  const tiny = await tinyModelFiles();
  await market.store.upsertModel({ id: modelId, name: modelId, contextLength: 1024, promptPrice: 100n, completionPrice: 200n, defaultMaxTokens: 64, maxTokensCap: 512, tokenizerDir: tiny.dir, digest: 'none', quantization: 'unknown' });
  const mine: ScriptedUpstream[] = [];
  for (const [i, script] of scripts.entries()) {
    const upstream = await startScriptedUpstream(script);
    started.push(upstream);
    mine.push(upstream);
    const registered = await admin(market, 'POST', '/admin/engines', { id: `${modelId}-${i}`, name: `host ${i}`, base_url: upstream.url, engine_kind: 'openai-compatible', model_id: modelId, upstream_model: 'scripted' });
    if (registered.status !== 201) throw new Error(`registering ${modelId}-${i}: ${registered.status}`);
  }
  return mine;
}
