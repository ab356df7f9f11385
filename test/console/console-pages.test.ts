// The console and the status page in a real browser (Debian's chromium) after real traffic through the built-in
// host: every figure a page shows is compared with what the API and the ledger say.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedIn } from '../support/browser.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
let browser: Browser;
let buyer: { accountId: string; key: string; keyId: string };

const credits = async (key: string) => (await (await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } })).json()) as { balance: string; available: string };

beforeAll(async () => {
  [market, browser] = await Promise.all([startTestMarket(), launchBrowser()]);
  buyer = await fundedBuyer(market, '10');
});
afterAll(async () => {
  await browser?.close();
  await market?.stop();
});

describe('the console in a browser', () => {
  it('shows the buyer its balance, which changes after a streamed playground request to what the ledger says', async () => {
    const page = await signedIn(browser, market.url, buyer.key);
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe((await credits(buyer.key)).balance);
    const before = await page.getByTestId('balance').textContent();

    await page.getByLabel('prompt').fill('Say something short.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('playground-output').textContent(), { timeout: 30_000 }).not.toBe('');
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await market.flushBilling();

    const after = (await credits(buyer.key)).balance;
    expect(Number(after)).toBeLessThan(Number(before));
    await expect.poll(() => page.getByTestId('balance').textContent(), { timeout: 15_000 }).toBe(after);
    await expect.poll(() => page.getByTestId('usage-table').locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('spend-chart').locator('canvas').waitFor({ timeout: 15_000 });
    await screenshot(page, 'buyer');
  });

  it('creates an agent sub-key with a limit and revokes it; the revoked key is refused', async () => {
    const page = await signedIn(browser, market.url, buyer.key);
    await page.getByLabel('sub-key name').fill('my agent');
    await page.getByLabel('spend limit').fill('0.5');
    await page.getByRole('button', { name: 'Create sub-key' }).click();
    const subKey = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(subKey).toMatch(/^sk-agora-/);
    const row = page.getByTestId('keys-table').locator('tbody tr', { hasText: 'my agent' });
    // The limit and what is left of it, total and per day.
    await expect.poll(() => row.textContent()).toContain('0.5 (0.5 left)');
    expect((await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${subKey}` } })).status).toBe(200);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${subKey}` } })).status).toBe(403);
  });

  it("shows a host its models and the traffic it served, from its own records", async () => {
    const token = (await readFile(join(market.dataDir, 'hosts', 'host-1', 'host.token'), 'utf8')).trim();
    const me = (await (await fetch(`${market.url}/hosts/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { models: string[]; traffic: { requests: number } };
    expect(me.traffic.requests).toBeGreaterThan(0);
    const page = await signedIn(browser, market.url, token);
    expect(await page.getByTestId('role').textContent()).toBe('Host');
    await expect.poll(() => page.getByTestId('host-models').textContent()).toBe(me.models.join(', '));
    await expect.poll(() => page.getByTestId('host-requests').textContent()).toBe(String(me.traffic.requests));
    await page.getByTestId('host-requests-chart').locator('canvas').waitFor();
    await screenshot(page, 'host');
  });

  it('shows the operator hosts, prices, ledger totals and traffic from the market', async () => {
    const page = await signedIn(browser, market.url, market.operatorKey);
    const hosts = (await admin<{ data: Array<{ name: string }> }>(market, 'GET', '/admin/hosts')).body.data;
    const ledger = (await admin<{ data: Array<{ kind: string; balance: string }> }>(market, 'GET', '/admin/ledger')).body.data;
    await expect.poll(() => page.getByTestId('ops-hosts').textContent()).toContain(hosts[0]?.name);
    const credits = ledger.find((k) => k.kind === 'credits');
    await expect.poll(() => page.getByTestId('ops-ledger').locator('tr', { hasText: 'credits' }).first().textContent()).toContain(credits?.balance);
    await expect.poll(() => page.getByTestId('ops-prices').textContent()).toContain('agora-tiny');
    await page.getByTestId('ops-rps-chart').locator('canvas').waitFor({ timeout: 15_000 });
    await screenshot(page, 'operator');
  });

  it('shows the public status page with the model, an incident, and the model down during a host outage', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${market.url}/status`);
    const row = page.locator('tr[data-model="agora-tiny"]');
    expect(await row.locator('.state').textContent()).toBe('operational');

    const opened = await admin<{ id: string }>(market, 'POST', '/admin/incidents', { title: 'Slow answers', models: ['agora-tiny'], message: 'Looking into latency.' });
    expect(opened.status).toBe(201);
    await expect.poll(async () => (await page.reload(), await page.locator('.incident').textContent()), { timeout: 10_000 }).toContain('Slow answers');
    await screenshot(page, 'status');

    await Promise.all(market.hosts.map((h) => h.close()));
    await expect.poll(async () => (await page.reload(), await row.locator('.state').textContent()), { timeout: 20_000 }).toBe('down');
    expect(await row.locator('td').nth(2).textContent()).toBe('0');
    await screenshot(page, 'status-outage');
  });
});
