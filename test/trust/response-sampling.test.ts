// Sampling decisions: keyed by a secret the host never sees, at a rate set by reputation, forced by a dispute — and
// every forwarded request asks the host for the same top-k, so nothing it receives tells it which answers are
// checked. The buyer gets back only the logprobs it asked for.
import { describe, expect, it } from 'vitest';
import { decodesUnderGrammar, type CompletionInput } from '../../src/app/v1/paid-path/paid-request.ts';
import { createResponseSampler, type FinishedResponse } from '../../src/app/verification/response-sampling.ts';
import type { SampledResponse } from '../../src/app/verification/verification-store.ts';
import { createVerificationCostMeter } from '../../src/app/verification/verification-cost.ts';
import { hmacSamplingUnit, newSamplingSecret } from '../../src/adapters/keys/sampling-oracle.ts';
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
    const noTopK = [{ id: 7, logprob: -0.1, top: [] }];
    expect(s.offer('no-top-k', {}, { choices: [{ positions: noTopK, stoppedByModel: false }] })).toBe('unverifiable');
    // n choices: one without ids makes the whole answer unverifiable (a host cannot hide the choice it made up)
    const withIds = { positions: [{ id: 7, logprob: -0.1, top: [{ id: 7, logprob: -0.1 }] }], stoppedByModel: false };
    const stripped = { positions: undefined, stoppedByModel: false };
    expect(s.offer('one-stripped', {}, { choices: [withIds, stripped] })).toBe('unverifiable');
    expect(s.offer('grammar', { underDispute: true }, { constrained: true })).toBe('unverified_constrained');
    expect(s.kept).toHaveLength(200);
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
