// Sampling decisions: keyed by a secret the host never sees, at a rate set by reputation, forced by a dispute — and
// every forwarded request asks the host for the same top-k and carries a market seed, so nothing it receives tells
// it which answers are checked. The buyer gets back only the logprobs it asked for.
import { describe, expect, it } from 'vitest';
import { decodesUnderGrammar, type CompletionInput } from '../../src/app/v1/paid-path/paid-request.ts';
import { createResponseSampler, type FinishedResponse } from '../../src/app/verification/response-sampling.ts';
import type { SampledResponse } from '../../src/app/verification/verification-store.ts';
import { createHmac } from 'node:crypto';
import { createVerificationCostMeter } from '../../src/app/verification/verification-cost.ts';
import { hmacSamplingSeed, hmacSamplingUnit, newSamplingSecret } from '../../src/adapters/keys/sampling-oracle.ts';
import { choiceSeeds } from '../../src/domain/sampling/choice-seeds.ts';
import { VERIFY_TOP_K } from '../../src/domain/verification/response-check.ts';
import { postChat } from '../support/chat-request.ts';
import { modelServedBy, scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { fundedBuyer } from '../support/test-market.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ids = Array.from({ length: 20_000 }, (_, i) => `req-${i}`);

function samplerWith(secret: string) {
  const kept: SampledResponse[] = [];
  const cost = createVerificationCostMeter();
  const sampler = createResponseSampler({
    store: { addSample: async (s) => void kept.push(s) },
    samplingUnit: hmacSamplingUnit(secret),
    samplingSeed: hmacSamplingSeed(secret),
    samplingFloor: 0.02,
    verifiable: (model) => model === 'agora-tiny',
    logger: silent,
    cost,
  });
  const offer = (
    requestId: string,
    host: Partial<FinishedResponse['host']> = {},
    overrides: Partial<FinishedResponse> = {},
  ) =>
    sampler.offer({
      requestId,
      host: { id: 'h1', reputation: 0, underDispute: false, ...host },
      modelId: 'agora-tiny',
      promptIds: [1, 2, 3],
      completionTokens: 1,
      choices: [{ positions: [{ id: 7, logprob: -0.1, top: [{ id: 7, logprob: -0.1 }] }], stoppedByModel: false }],
      temperature: 0,
      constrained: false,
      adjustments: undefined,
      seeded: undefined,
      receipt: null,
      servedAtMs: 0,
      ...overrides,
    });
  return { kept, offer, cost };
}

describe('sampling decisions', () => {
  it("keeps every answer of a new host and about the floor's share of a reputable one's", () => {
    const fresh = samplerWith(newSamplingSecret());
    ids.slice(0, 500).forEach((id) => fresh.offer(id));
    expect(fresh.kept).toHaveLength(500);
    const reputable = samplerWith(newSamplingSecret());
    ids.forEach((id) => reputable.offer(id, { reputation: 100 }));
    expect(reputable.kept.length / ids.length).toBeGreaterThan(0.015);
    expect(reputable.kept.length / ids.length).toBeLessThan(0.025);
  });

  it('keeps every answer of a host under dispute, and none that cannot be re-scored', () => {
    const s = samplerWith(newSamplingSecret());
    ids.slice(0, 200).forEach((id) => s.offer(id, { reputation: 100, underDispute: true }));
    expect(s.kept).toHaveLength(200);
    expect(s.offer('other-model', {}, { modelId: 'elsewhere' })).toBe('unverifiable');
    expect(s.offer('no-ids', {}, { choices: [{ positions: undefined, stoppedByModel: false }] })).toBe('unverifiable');
    // Token ids alone: the draw is judged where it can be drawn again (greedy, or a canonical sampler's seed).
    const idsOnly = { choices: [{ positions: [{ id: 7, logprob: Number.NaN, top: [] }], stoppedByModel: false }] };
    expect(s.offer('ids-sampled', {}, { ...idsOnly, temperature: 0.8 })).toBe('unverifiable');
    expect(s.offer('ids-default', {}, { ...idsOnly, temperature: null, seeded: { seed: 1, topP: 1 } })).toBe(
      'unverifiable',
    );
    // n choices: one without ids makes the whole answer unverifiable (a host cannot hide the choice it made up)
    const withIds = { positions: [{ id: 7, logprob: -0.1, top: [{ id: 7, logprob: -0.1 }] }], stoppedByModel: false };
    const stripped = { positions: undefined, stoppedByModel: false };
    expect(s.offer('one-stripped', {}, { choices: [withIds, stripped] })).toBe('unverifiable');
    expect(s.offer('grammar', { underDispute: true }, { constrained: true })).toBe('unverified_constrained');
    expect(s.kept).toHaveLength(200);
    expect(s.offer('ids-greedy', {}, { ...idsOnly, temperature: 0 })).toBe('kept');
    expect(s.offer('ids-seeded', {}, { ...idsOnly, temperature: 0.8, seeded: { seed: 1, topP: 1 } })).toBe('kept');
    expect(s.kept.at(-1)?.payload).toMatchObject({ temperature: 0.8, sampling: { seed: 1, topP: 1 } });
  });

  it("replays a kept choice with that choice's own seed", () => {
    const s = samplerWith(newSamplingSecret());
    const choice = (id: number) => ({ positions: [{ id, logprob: Number.NaN, top: [] }], stoppedByModel: false });
    const seeded = { seed: 99, topP: 0.9 };
    ids.slice(0, 40).forEach((id) => s.offer(id, {}, { choices: [choice(0), choice(1)], temperature: 0.8, seeded }));
    for (const k of s.kept) {
      const payload = k.payload as { claimed: Array<{ id: number }>; sampling: { seed: number; topP: number } };
      expect(payload.sampling).toEqual({ seed: choiceSeeds(99, 2)[payload.claimed[0]!.id], topP: 0.9 });
    }
  });

  it('keeps one choice of an n-choice answer, picked by the draw, so every choice may be the one re-scored', () => {
    const s = samplerWith(newSamplingSecret());
    const choice = (id: number) => ({
      positions: [{ id, logprob: -0.1, top: [{ id, logprob: -0.1 }] }],
      stoppedByModel: id === 2,
    });
    const choices = [choice(0), choice(1), choice(2)];
    ids.slice(0, 300).forEach((id) => s.offer(id, {}, { choices }));
    expect(s.kept).toHaveLength(300);
    const picked = s.kept.map((k) => {
      const payload = k.payload as { claimed: Array<{ id: number }>; stoppedByModel: boolean };
      expect(payload.stoppedByModel).toBe(payload.claimed[0]?.id === 2);
      return payload.claimed[0]?.id;
    });
    for (const id of [0, 1, 2]) expect(picked.filter((p) => p === id).length).toBeGreaterThan(60);
  });

  it('says what it decided: kept exactly when it queued the response, not_drawn otherwise', () => {
    const s = samplerWith(newSamplingSecret());
    const decisions = ids.slice(0, 2_000).map((id) => s.offer(id, { reputation: 50 }));
    const kept = decisions.filter((d) => d === 'kept').length;
    expect(kept).toBe(s.kept.length);
    expect(kept).toBeGreaterThan(0);
    expect(decisions.filter((d) => d === 'not_drawn')).toHaveLength(decisions.length - kept);
  });

  it('depends on the secret: the same request ids are sampled differently under another secret', () => {
    const secretA = newSamplingSecret();
    const a = samplerWith(secretA);
    const again = samplerWith(secretA);
    const b = samplerWith(newSamplingSecret());
    for (const s of [a, again, b]) ids.forEach((id) => s.offer(id, { reputation: 50 }));
    const chosen = (s: typeof a) => new Set(s.kept.map((k) => k.requestId));
    expect(chosen(again)).toEqual(chosen(a));
    const [inA, inB] = [chosen(a), chosen(b)];
    const overlap = [...inA].filter((id) => inB.has(id)).length / inA.size;
    // Independent decisions at rate 1/2 agree on about half of the sampled ids.
    expect(overlap).toBeGreaterThan(0.4);
    expect(overlap).toBeLessThan(0.6);
  });
});

describe('the seed a request carries', () => {
  it("is a keyed hash apart from the sampling decision's, the same for an account's own seed, and 31 bits", () => {
    const secret = newSamplingSecret();
    const seedOf = hmacSamplingSeed(secret);
    const seeds = ids.slice(0, 2_000).map((requestId) => seedOf({ requestId, accountId: 'a', buyerSeed: undefined }));
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
    // Not the decision's hash read another way: a host learns nothing of the sampling unit from the seed.
    const decisionBits = (requestId: string) =>
      createHmac('sha256', secret).update(requestId).digest().readUInt32BE(0) >>> 1;
    expect(seeds.filter((seed, i) => seed === decisionBits(ids[i] as string))).toHaveLength(0);
    // A buyer's seed reproduces within its account, whatever the request id, and no other account shares it.
    const mine = (requestId: string) => seedOf({ requestId, accountId: 'a', buyerSeed: 42 });
    expect(mine('req-1')).toBe(mine('req-2'));
    expect(seedOf({ requestId: 'req-1', accountId: 'b', buyerSeed: 42 })).not.toBe(mine('req-1'));
    expect(hmacSamplingSeed(newSamplingSecret())({ requestId: 'req-1', accountId: 'a', buyerSeed: 42 })).not.toBe(
      mine('req-1'),
    );
  });
});

describe('what verification costs', () => {
  it("counts every served token and the re-scored ones: a settled host's share is the floor, a new host's all of it", () => {
    const s = samplerWith(newSamplingSecret());
    ids.slice(0, 100).forEach((id) => s.offer(`new-${id}`, { id: 'new', reputation: 0 }));
    ids.forEach((id) => s.offer(id, { reputation: 100 }));
    s.offer(
      'unverifiable',
      { reputation: 100 },
      { choices: [{ positions: undefined, stoppedByModel: false }], completionTokens: 9 },
    );
    const [tiny] = s.cost.costs();
    // 4 tokens served per answer (3 prompt + 1 completion); a kept one is re-scored whole.
    expect(tiny?.steady.servedTokens).toBe(4 * ids.length + 12);
    expect(tiny?.steady.rescoredTokens).toBe(4 * s.kept.filter((k) => !k.requestId.startsWith('new-')).length);
    expect(tiny?.steady.share).toBeGreaterThan(0.015);
    expect(tiny?.steady.share).toBeLessThan(0.025);
    expect(tiny?.overall.servedTokens).toBe(tiny!.steady.servedTokens + 400);
    expect(tiny?.overall.rescoredTokens).toBe(4 * s.kept.length);
  });
});

describe('what the host sees', () => {
  const scripted = scriptedMarket();

  it('asks every host for ids and the top-k on every request, and gives the buyer only the logprobs it asked for', async () => {
    const entry = (id: number) => ({
      token: 'x',
      id,
      logprob: -0.5,
      bytes: [120],
      top_logprobs: Array.from({ length: VERIFY_TOP_K }, (_, k) => ({
        token: 'x',
        id: id + k,
        logprob: -0.5 - k,
        bytes: [120],
      })),
    });
    const body = {
      ...scriptedAnswer,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'xx' },
          logprobs: { content: [entry(120), entry(120)] },
          finish_reason: 'stop',
        },
      ],
    };
    const [upstream] = await modelServedBy(scripted.market, 'with-logprobs', [{ status: 200, body }], [], 'llama.cpp');
    const buyer = await fundedBuyer(scripted.market, '1');

    const plain = (await (await postChat(scripted.market.url, buyer.key, { model: 'with-logprobs' })).json()) as {
      choices: Array<{ logprobs: unknown }>;
    };
    expect(plain.choices[0]?.logprobs).toBeNull();
    const asked = (await (
      await postChat(scripted.market.url, buyer.key, { model: 'with-logprobs', logprobs: true, top_logprobs: 2 })
    ).json()) as {
      choices: Array<{ logprobs: { content: Array<{ top_logprobs: unknown[] }> } }>;
    };
    expect(asked.choices[0]?.logprobs.content.map((e) => e.top_logprobs.length)).toEqual([2, 2]);

    const seen = upstream!.received.map((r) => ({ logprobs: r.body.logprobs, top: r.body.top_logprobs }));
    expect(seen).toEqual([
      { logprobs: true, top: VERIFY_TOP_K },
      { logprobs: true, top: VERIFY_TOP_K },
    ]);
    // Each carries a market seed, whether the buyer sent one or not, and a buyer's seed is not passed through.
    await postChat(scripted.market.url, buyer.key, { model: 'with-logprobs', seed: 7 });
    await postChat(scripted.market.url, buyer.key, { model: 'with-logprobs', seed: 7 });
    const seeds = upstream!.received.map((r) => r.body.seed);
    for (const seed of seeds) expect(Number.isInteger(seed)).toBe(true);
    expect(seeds[0]).not.toBe(seeds[1]);
    expect(seeds[2]).toBe(seeds[3]);
    expect(seeds[2]).not.toBe(7);
  });

  it('routes only to hosts whose engine draws with the canonical sampler, and says so when there is none', async () => {
    const body = {
      ...scriptedAnswer,
      choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, logprobs: null, finish_reason: 'stop' }],
    };
    await modelServedBy(scripted.market, 'sampled-elsewhere', [{ status: 200, body }], [], 'llama.cpp');
    await modelServedBy(scripted.market, 'sampled-canonically', [{ status: 200, body }], [], 'builtin');
    const buyer = await fundedBuyer(scripted.market, '1');
    const ask = (model: string) =>
      postChat(scripted.market.url, buyer.key, { model, provider: { verifiable_sampling: true } });
    const refused = await ask('sampled-elsewhere');
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: 'no_verifiable_sampling_host',
      param: 'provider.verifiable_sampling',
    });
    expect((await ask('sampled-canonically')).status).toBe(200);
    expect((await postChat(scripted.market.url, buyer.key, { model: 'sampled-elsewhere' })).status).toBe(200);
  });
});

describe('which answers are grammar-constrained', () => {
  const chat = (extra: object): CompletionInput =>
    ({ kind: 'chat', body: { model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra } }) as CompletionInput;
  const tool = { type: 'function' as const, function: { name: 'f' } };

  it('labels JSON response formats and callable tools, not plain text or tools the model may not call', () => {
    expect(decodesUnderGrammar(chat({ response_format: { type: 'json_object' } }))).toBe(true);
    expect(decodesUnderGrammar(chat({ tools: [tool] }))).toBe(true);
    expect(decodesUnderGrammar(chat({ tools: [tool], tool_choice: 'none' }))).toBe(false);
    expect(decodesUnderGrammar(chat({ response_format: { type: 'text' } }))).toBe(false);
    expect(decodesUnderGrammar(chat({}))).toBe(false);
  });
});
