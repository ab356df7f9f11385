// The status report from real traffic samples, and the incident log: opened, updated, resolved once; suggestions
// when a model has no host online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_RULES } from '../../src/domain/status/availability.ts';
import { admin, fundedBuyer, marketClient, startTestMarket, type TestMarket } from '../support/test-market.ts';
import { postChat } from '../support/chat-request.ts';
import { modelServedBy } from '../support/scripted-model.ts';
import type { ScriptedUpstream } from '../support/scripted-upstream.ts';
import { renderStatusPage } from '../../src/adapters/http/market/status-page.ts';

let market: TestMarket;
const upstreams: ScriptedUpstream[] = [];
beforeAll(async () => {
  // An outage of a second is enough for a suggestion here (60 s by default).
  market = await startTestMarket({ health: { ...DEFAULT_HEALTH_RULES, outageMs: 1_000 } });
});
afterAll(async () => {
  await market.stop();
  for (const upstream of upstreams) await upstream.stop();
});

/** The public status through the SDK: its answer parsed by the route's contract. */
const status = () => marketClient(market).system.status();
const tiny = async () => (await status()).models.find((m) => m.id === 'agora-tiny');

describe('status and incidents', () => {
  it('reports hosts online, price, success rate and time to first token from the traffic it served', async () => {
    const buyer = await fundedBuyer(market, '1');
    for (let i = 0; i < 3; i++) expect((await postChat(market.url, buyer.key)).status).toBe(200);
    await expect.poll(async () => (await tiny())?.success_rate_1h, { timeout: 10_000 }).toBe(1);
    const model = await tiny();
    const pricing = await marketClient(market).v1.getPricing();
    expect(model?.state).toBe('operational');
    expect(model?.hosts_online).toBe(1);
    expect(model?.price.prompt).toBe(pricing.data.find((p) => p.model === 'agora-tiny')?.price.prompt);
    expect(model?.ttft_ms_1h?.p50).toBeGreaterThan(0);
    expect(model?.ttft_ms_1h?.p95).toBeGreaterThanOrEqual(Number(model?.ttft_ms_1h?.p50 ?? 0));
    expect(model?.uptime['24h']).toBeGreaterThan(0);
    // An embedding model: its input price alone, and no first token to time.
    const embed = (await status()).models.find((m) => m.id === 'agora-tiny-embed');
    expect(embed?.price).toEqual({ prompt: pricing.data.find((p) => p.model === 'agora-tiny-embed')?.price.prompt });
    expect(embed?.ttft_ms_1h).toBeNull();
  });

  it('keeps an incident timeline, resolves it once, and refuses bad input in the API format', async () => {
    const opened = await admin<{ id: string; status: string }>(market, 'POST', '/admin/incidents', {
      title: 'Errors on tiny',
      models: ['agora-tiny'],
      message: 'Investigating.',
    });
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe('investigating');
    expect((await tiny())?.state).toBe('degraded');
    const id = opened.body.id;
    expect(
      (
        await admin(market, 'POST', `/admin/incidents/${id}/updates`, {
          status: 'identified',
          message: 'A host misbehaves.',
        })
      ).status,
    ).toBe(200);
    expect(
      (await admin(market, 'POST', `/admin/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' })).status,
    ).toBe(200);
    const again = await admin<{ error: { code: string } }>(market, 'POST', `/admin/incidents/${id}/updates`, {
      status: 'monitoring',
      message: 'late',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('incident_resolved');

    const shown = (await status()).incidents.find((i) => i.id === id);
    expect(shown?.status).toBe('resolved');
    expect(shown?.updates.map((u) => u.status)).toEqual(['investigating', 'identified', 'resolved']);
    expect(
      (await admin(market, 'POST', '/admin/incidents', { title: 'x', models: ['no-such-model'], message: 'y' })).status,
    ).toBe(400);
    expect((await admin(market, 'POST', '/admin/incidents', { title: '', message: 'y' })).status).toBe(400);
    expect(
      (await admin(market, 'POST', '/admin/incidents/inc_missing/updates', { status: 'resolved', message: 'y' }))
        .status,
    ).toBe(404);
  });

  it('keeps a model degraded, and the headline with it, while its success rate over the hour is low, even after clean spans', async () => {
    // A host that refuses every request (not often enough to open its circuit): the model stays online, and fails.
    await modelServedBy(market, 'flaky', [{ status: 401, body: { error: { message: 'not for you' } } }], upstreams);
    const buyer = await fundedBuyer(market, '1');
    const flaky = async () => (await status()).models.find((m) => m.id === 'flaky');
    await expect.poll(async () => (await flaky())?.hosts_online, { timeout: 10_000 }).toBe(1);
    for (let i = 0; i < 2; i++) expect((await postChat(market.url, buyer.key, { model: 'flaky' })).status).toBe(502);
    await expect.poll(async () => (await flaky())?.success_rate_1h, { timeout: 10_000 }).toBe(0);
    // Spans without traffic follow (uptime grows again): the latest span is clean, the hour's figure is not.
    const uptimeAfterFailures = (await flaky())?.uptime['24h'] ?? 1;
    await expect
      .poll(async () => (await flaky())?.uptime['24h'] ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(uptimeAfterFailures);

    const model = await flaky();
    expect(model).toMatchObject({ state: 'degraded', hosts_online: 1, success_rate_1h: 0 });
    const html = await (await fetch(`${market.url}/status`)).text();
    expect(html).toMatch(/<p class="headline" data-state="degraded">Some models degraded<\/p>/);
    expect(html).toMatch(/<tr data-model="flaky">\n<td>flaky<\/td>\n<td class="state"[^>]*>degraded<\/td>/);
  });

  it('suggests an incident when a model has had no host online, and shows the model down', async () => {
    await Promise.all(market.hosts.map((h) => h.close()));
    await expect.poll(async () => (await tiny())?.state, { timeout: 20_000 }).toBe('down');
    await expect
      .poll(
        async () =>
          (
            await admin<{ data: Array<{ model: string; reason: string }> }>(
              market,
              'GET',
              '/admin/incidents/suggestions',
            )
          ).body.data,
        { timeout: 20_000 },
      )
      // the built-in host served both the chat and the embedding model: both are down
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({ model: 'agora-tiny', reason: 'no_hosts' }),
          expect.objectContaining({ model: 'agora-tiny-embed', reason: 'no_hosts' }),
        ]),
      );
  });
});

describe('the status page', () => {
  const model = {
    id: 'm',
    state: 'operational' as const,
    hostsOnline: 1,
    price: { promptNanos: 100n, completionNanos: 200n },
    successRate: 1,
    uptime: { day: 1, week: 1 },
  };
  const cellsOf = (html: string) => [...html.matchAll(/<td>(≤ [^<]*|> [^<]*)<\/td>/g)].map((m) => m[1]);

  it('shows every latency of a column in one unit: seconds once one reaches a second', () => {
    const html = renderStatusPage({
      generatedAtMs: 0,
      incidents: [],
      models: [
        { ...model, ttftMs: { p50: 30_000, p95: Infinity } },
        { ...model, id: 'n', ttftMs: { p50: 250, p95: 2_500 } },
      ],
    });
    expect(html).toContain('First token p50 / p95 (1 h, s)');
    expect(cellsOf(html)).toEqual(['≤ 30 / > 30', '≤ 0.25 / ≤ 2.5']);
  });

  it('shows an embedding model with its input price only and no first-token time', () => {
    const html = renderStatusPage({
      generatedAtMs: 0,
      incidents: [],
      models: [
        { ...model, ttftMs: { p50: 100, p95: 500 } },
        { ...model, id: 'e', price: { promptNanos: 20n, completionNanos: null }, ttftMs: null },
      ],
    });
    const row = /<tr data-model="e">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(row).toContain('<td>n/a (embeddings)</td>');
    expect(row).toContain('<td>0.00000002 per input token</td>');
    expect(cellsOf(html)).toEqual(['≤ 100 / ≤ 500']);
  });

  it('shows milliseconds when every latency is under a second', () => {
    const html = renderStatusPage({
      generatedAtMs: 0,
      incidents: [],
      models: [{ ...model, ttftMs: { p50: 100, p95: 500 } }],
    });
    expect(html).toContain('First token p50 / p95 (1 h, ms)');
    expect(cellsOf(html)).toEqual(['≤ 100 / ≤ 500']);
  });
});
