// The status report from real traffic samples, and the incident log: opened, updated, resolved once; suggestions
// when a model has no host online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_RULES } from '../../src/domain/status/availability.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';
import { postChat } from '../support/chat-request.ts';

type Status = {
  models: Array<{ id: string; state: string; hosts_online: number; price: { prompt: string }; success_rate_1h: number | null; ttft_ms_1h: { p50: number | null; p95: number | null }; uptime: Record<string, number | null> }>;
  incidents: Array<{ id: string; title: string; status: string; updates: Array<{ status: string; message: string }> }>;
};

let market: TestMarket;
beforeAll(async () => {
  // An outage of a second is enough for a suggestion here (60 s by default).
  market = await startTestMarket({ health: { ...DEFAULT_HEALTH_RULES, outageMs: 1_000 } });
});
afterAll(() => market.stop());

const status = async (): Promise<Status> => (await (await fetch(`${market.url}/status.json`)).json()) as Status;
const tiny = async () => (await status()).models.find((m) => m.id === 'agora-tiny');

describe('status and incidents', () => {
  it('reports hosts online, price, success rate and time to first token from the traffic it served', async () => {
    const buyer = await fundedBuyer(market, '1');
    for (let i = 0; i < 3; i++) expect((await postChat(market.url, buyer.key)).status).toBe(200);
    await expect.poll(async () => (await tiny())?.success_rate_1h, { timeout: 10_000 }).toBe(1);
    const model = await tiny();
    const pricing = (await (await fetch(`${market.url}/v1/pricing`)).json()) as { data: Array<{ model: string; price: { prompt: string } }> };
    expect(model?.state).toBe('operational');
    expect(model?.hosts_online).toBe(1);
    expect(model?.price.prompt).toBe(pricing.data.find((p) => p.model === 'agora-tiny')?.price.prompt);
    expect(model?.ttft_ms_1h.p50).toBeGreaterThan(0);
    expect(model?.ttft_ms_1h.p95).toBeGreaterThanOrEqual(model?.ttft_ms_1h.p50 ?? 0);
    expect(model?.uptime['24h']).toBeGreaterThan(0);
  });

  it('keeps an incident timeline, resolves it once, and refuses bad input in the API format', async () => {
    const opened = await admin<{ id: string; status: string }>(market, 'POST', '/admin/incidents', { title: 'Errors on tiny', models: ['agora-tiny'], message: 'Investigating.' });
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe('investigating');
    expect((await tiny())?.state).toBe('degraded');
    const id = opened.body.id;
    expect((await admin(market, 'POST', `/admin/incidents/${id}/updates`, { status: 'identified', message: 'A host misbehaves.' })).status).toBe(200);
    expect((await admin(market, 'POST', `/admin/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' })).status).toBe(200);
    const again = await admin<{ error: { code: string } }>(market, 'POST', `/admin/incidents/${id}/updates`, { status: 'monitoring', message: 'late' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('incident_resolved');

    const shown = (await status()).incidents.find((i) => i.id === id);
    expect(shown?.status).toBe('resolved');
    expect(shown?.updates.map((u) => u.status)).toEqual(['investigating', 'identified', 'resolved']);
    expect((await admin(market, 'POST', '/admin/incidents', { title: 'x', models: ['no-such-model'], message: 'y' })).status).toBe(400);
    expect((await admin(market, 'POST', '/admin/incidents', { title: '', message: 'y' })).status).toBe(400);
    expect((await admin(market, 'POST', '/admin/incidents/inc_missing/updates', { status: 'resolved', message: 'y' })).status).toBe(404);
  });

  it('suggests an incident when a model has had no host online, and shows the model down', async () => {
    await Promise.all(market.hosts.map((h) => h.close()));
    await expect.poll(async () => (await tiny())?.state, { timeout: 20_000 }).toBe('down');
    await expect
      .poll(async () => (await admin<{ data: Array<{ model: string; reason: string }> }>(market, 'GET', '/admin/incidents/suggestions')).body.data, { timeout: 20_000 })
      .toEqual([expect.objectContaining({ model: 'agora-tiny', reason: 'no_hosts' })]);
  });
});
