// Models launched from a manifest, on a real market with a scripted engine: the first version is listed at once
// (unverified without a reference engine, refused to a buyer who requires verified models); a version whose probes
// fail on every host is not promoted; one whose probes pass replaces the live one; rollback restores the one before;
// disabling unlists. The built-in model and reference weights that are not the SKU are refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { startScriptedUpstream, type ScriptedUpstream } from '../support/scripted-upstream.ts';
import { scriptedAnswer } from '../support/scripted-model.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';
import { tinyModelFiles } from '../support/tiny-engine.ts';

let market: TestMarket;
let upstream: ScriptedUpstream;
let tokenizer: { json: string; config: string };
let weights: string;
beforeAll(async () => {
  market = await startTestMarket({ builtinHosts: 0 });
  upstream = await startScriptedUpstream({ status: 200, body: scriptedAnswer });
  const tiny = await tinyModelFiles();
  weights = tiny.ggufPath;
  tokenizer = {
    json: readFileSync(join(tiny.dir, 'tokenizer.json'), 'utf8'),
    config: readFileSync(join(tiny.dir, 'tokenizer_config.json'), 'utf8'),
  };
}, 60_000);
afterAll(async () => {
  await market.stop();
  await upstream.stop();
});

const manifest = (name: string, expect: string, extra: object = {}) => ({
  id: 'acme-chat',
  name,
  sku: { digest: `sha256:${'a'.repeat(64)}`, quantization: 'f32' },
  context_length: 1024,
  prices: { prompt: '0.0000001', completion: '0.0000002', cached_prompt: '0.00000005' },
  readiness: { probes: [{ prompt: 'Where are we?', expect, max_tokens: 8 }] },
  ...extra,
});
const launch = (body: object) =>
  admin<{ status: string; version: number; verified: boolean; probes: Array<{ passed: boolean }> }>(
    market,
    'POST',
    '/admin/models',
    { manifest: body, tokenizer },
  );
type Card = { id: string; name: string; verified: boolean; hosts: number; pricing: Record<string, string> };
const listed = async (): Promise<Card | undefined> =>
  ((await (await fetch(`${market.url}/v1/models`)).json()) as { data: Card[] }).data.find((m) => m.id === 'acme-chat');

describe('models launched from a manifest', () => {
  it('lists a first version at once and unverified, and serves it once a host serves it', async () => {
    const first = await launch(manifest('Acme v1', 'The market.'));
    expect(first).toMatchObject({ status: 201, body: { status: 'active', version: 1, verified: false } });
    expect(await listed()).toMatchObject({
      name: 'Acme v1',
      verified: false,
      hosts: 0,
      // the manifest's cached prompt price: half the prompt price
      pricing: { prompt: '0.0000001', input_cache_read: '0.00000005' },
    });
    const engine = await admin(market, 'POST', '/admin/engines', {
      id: 'acme-host',
      name: 'acme host',
      base_url: upstream.url,
      engine_kind: 'openai-compatible',
      model_id: 'acme-chat',
      upstream_model: 'scripted',
    });
    expect(engine.status).toBe(201);
    expect(await listed()).toMatchObject({ hosts: 1 });

    const buyer = await fundedBuyer(market, '1');
    const refused = await postChat(market.url, buyer.key, {
      model: 'acme-chat',
      provider: { require_verified: true },
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: object }).error).toMatchObject({
      code: 'model_unverified',
      param: 'provider.require_verified',
    });
    expect((await postChat(market.url, buyer.key, { model: 'acme-chat' })).status).toBe(200);
    // The built-in model is verified: the same preference lets it through.
    const builtin = await postChat(market.url, buyer.key, { provider: { require_verified: true } });
    expect(((await builtin.json()) as { error?: { code: string } }).error?.code).not.toBe('model_unverified');
  });

  it('does not promote a version whose probes fail, promotes one whose probes pass, and rolls back', async () => {
    const bad = await launch(manifest('Acme v2', 'Nothing like what the host answers at all'));
    expect(bad.body).toMatchObject({ status: 'rejected', version: 2, probes: [{ passed: false }] });
    expect((await listed())?.name).toBe('Acme v1');

    const good = await launch(manifest('Acme v3', 'The market.'));
    expect(good.body).toMatchObject({ status: 'active', version: 3, probes: [{ passed: true }] });
    expect((await listed())?.name).toBe('Acme v3');

    const rolledBack = await admin(market, 'POST', '/admin/models/acme-chat/rollback');
    expect(rolledBack.body).toMatchObject({ version: 1, disabled: false });
    expect((await listed())?.name).toBe('Acme v1');
    const again = await admin<{ error: { code: string } }>(market, 'POST', '/admin/models/acme-chat/rollback');
    expect(again.body.error.code).toBe('no_earlier_version');

    const list = await admin<{ data: Array<{ id: string; versions: Array<{ status: string }> }> }>(
      market,
      'GET',
      '/admin/models',
    );
    expect(list.body.data.find((m) => m.id === 'acme-chat')?.versions.map((v) => v.status)).toEqual([
      'active',
      'rejected',
      'rolled_back',
    ]);
  });

  it('unlists a disabled model and lists it again when enabled', async () => {
    expect((await admin(market, 'POST', '/admin/models/acme-chat/disable')).body).toMatchObject({ disabled: true });
    expect(await listed()).toBeUndefined();
    const buyer = await fundedBuyer(market, '1');
    expect((await postChat(market.url, buyer.key, { model: 'acme-chat' })).status).toBe(404);
    await admin(market, 'POST', '/admin/models/acme-chat/enable');
    expect(await listed()).toMatchObject({ name: 'Acme v1' });
  });

  it('refuses to replace the built-in model, reference weights that are not the SKU, and a cache price above the prompt price', async () => {
    const dear = await launch({
      ...manifest('x', 'x'),
      id: 'dear-chat',
      prices: { prompt: '1', completion: '1', cached_prompt: '2' },
    });
    expect(dear).toMatchObject({ status: 400, body: { error: { param: 'manifest.prices.cached_prompt' } } });
    const builtin = await launch({ ...manifest('x', 'x'), id: 'agora-tiny' });
    expect(builtin).toMatchObject({ status: 409, body: { error: { code: 'model_builtin' } } });
    const mismatch = await launch({ ...manifest('x', 'x'), id: 'other-chat', reference: { weights } });
    expect(mismatch).toMatchObject({ status: 400, body: { error: { code: 'reference_mismatch' } } });
  });
  it('launches an embedding model from a manifest with capabilities [embeddings]: listed, served, probed by embedding', async () => {
    const embedder = await startScriptedUpstream({
      status: 200,
      body: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.6, 0.8, 0] }],
        usage: { prompt_tokens: 3 },
      },
    });
    try {
      const embedding = (dimensions: number, name: string) => ({
        ...manifest(name, ''),
        id: 'acme-embed',
        capabilities: ['embeddings'],
        embedding: { dimensions },
        readiness: { probes: [{ prompt: 'Where are we?' }] },
      });
      const first = await launch(embedding(3, 'Acme embed v1'));
      expect(first).toMatchObject({ status: 201, body: { status: 'active', version: 1 } });
      const card = (
        (await (await fetch(`${market.url}/v1/models`)).json()) as { data: Array<Record<string, unknown>> }
      ).data.find((m) => m.id === 'acme-embed');
      expect(card).toMatchObject({ capabilities: ['embeddings'], pricing: { prompt: '0.0000001' } });
      expect(card?.pricing).not.toHaveProperty('completion');
      await admin(market, 'POST', '/admin/engines', {
        id: 'acme-embed-host',
        name: 'acme embed host',
        base_url: embedder.url,
        engine_kind: 'openai-compatible',
        model_id: 'acme-embed',
        upstream_model: 'scripted',
      });
      const buyer = await fundedBuyer(market, '1');
      const embedded = await fetch(`${market.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'acme-embed', input: 'Where are we?' }),
      });
      expect(embedded.status).toBe(200);
      expect(((await embedded.json()) as { data: Array<{ embedding: number[] }> }).data[0]?.embedding).toEqual([
        0.6, 0.8, 0,
      ]);
      const chat = await postChat(market.url, buyer.key, { model: 'acme-embed' });
      expect(((await chat.json()) as { error: { code: string } }).error.code).toBe('model_capability_mismatch');

      // A new version's probes are embedded: the host's 3-dimensional vectors fail a version that declares 4.
      const wider = await launch(embedding(4, 'Acme embed v2'));
      expect(wider.body).toMatchObject({ status: 'rejected', probes: [{ passed: false }] });
      const same = await launch(embedding(3, 'Acme embed v3'));
      expect(same.body).toMatchObject({ status: 'active', probes: [{ passed: true }] });

      // What the fields say together: vectors named, embeddings only, probes without an expected answer.
      for (const [body, message] of [
        [{ ...embedding(3, 'x'), embedding: undefined }, 'an embedding model names its vectors'],
        [{ ...embedding(3, 'x'), capabilities: ['embeddings', 'tools'] }, 'serves embeddings only, not tools'],
        [{ ...embedding(3, 'x'), readiness: { probes: [{ prompt: 'p', expect: 'a' }] } }, 'embedded, not answered'],
        [{ ...manifest('x', 'x'), embedding: { dimensions: 3 } }, 'only a model with the embeddings capability'],
      ] as const) {
        const refused = await launch(body);
        expect(refused.status).toBe(400);
        expect(JSON.stringify(refused.body)).toContain(message);
      }
    } finally {
      await embedder.stop();
    }
  });
});
