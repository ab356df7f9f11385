// The console and the status page in a real browser (Debian's chromium) after real traffic through the built-in
// host: every figure a page shows is compared with what the API and the ledger say.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedIn } from '../support/browser.ts';
import { postChat } from '../support/chat-request.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
let browser: Browser;
let buyer: { accountId: string; key: string; keyId: string };

const usage = async (key: string, query: string) =>
  (await (await fetch(`${market.url}/v1/usage?${query}`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
    data: Array<{ request_id: string }>;
    has_more: boolean;
  };
const credits = async (key: string) =>
  (await (await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
    balance: string;
    available: string;
  };

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
    expect((await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${subKey}` } })).status).toBe(
      200,
    );

    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${subKey}` } })).status).toBe(
      403,
    );
  });

  it('pages through usage by cursor: a second page holds the next records, none twice, and Prev goes back', async () => {
    const pager = await fundedBuyer(market, '1');
    for (let i = 0; i < 12; i++) expect((await postChat(market.url, pager.key, { max_tokens: 2 })).status).toBe(200);
    await market.flushBilling();
    const all = (await usage(pager.key, 'limit=100')).data.map((r) => r.request_id);
    expect(all).toHaveLength(12);

    // The API: pages of 5 by `after`, newest first, together the whole list once; an unknown cursor is an empty page.
    const first = await usage(pager.key, 'limit=5');
    const second = await usage(pager.key, `limit=5&after=${first.data.at(-1)?.request_id}`);
    const third = await usage(pager.key, `limit=5&after=${second.data.at(-1)?.request_id}`);
    expect([first.has_more, second.has_more, third.has_more]).toEqual([true, true, false]);
    expect([...first.data, ...second.data, ...third.data].map((r) => r.request_id)).toEqual(all);
    expect((await usage(buyer.key, `limit=5&after=${all[0]}`)).data).toEqual([]);
    const bad = await fetch(`${market.url}/v1/usage?after=`, { headers: { authorization: `Bearer ${pager.key}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('after');

    const page = await signedIn(browser, market.url, pager.key);
    const shown = () => page.getByTestId('usage-table').locator('tbody tr code').allTextContents();
    await page.getByLabel('usage page size').selectOption('10');
    await expect.poll(shown).toEqual(all.slice(0, 10));
    expect(await page.getByTestId('usage-page').textContent()).toBe('Page 1');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(shown).toEqual(all.slice(10));
    expect(await page.getByTestId('usage-page').textContent()).toBe('Page 2');
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await screenshot(page, 'buyer-usage-page-2');
    await page.getByRole('button', { name: 'Prev' }).click();
    await expect.poll(shown).toEqual(all.slice(0, 10));
  });

  it('shows a host its models and the traffic it served, from its own records', async () => {
    const token = (await readFile(join(market.dataDir, 'hosts', 'host-1', 'host.token'), 'utf8')).trim();
    const me = (await (
      await fetch(`${market.url}/hosts/me`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { models: string[]; traffic: { requests: number } };
    expect(me.traffic.requests).toBeGreaterThan(0);
    const page = await signedIn(browser, market.url, token);
    expect(await page.getByTestId('role').textContent()).toBe('Host');
    await expect.poll(() => page.getByTestId('host-models').textContent()).toBe(me.models.join(', '));
    await expect.poll(() => page.getByTestId('host-requests').textContent()).toBe(String(me.traffic.requests));
    await page.getByTestId('host-requests-chart').locator('canvas').waitFor();
    await screenshot(page, 'host');
  });

  it('shows a host the mean total-variation distance of its checks in scientific notation, and pages its checks', async () => {
    const token = (await readFile(join(market.dataDir, 'hosts', 'host-1', 'host.token'), 'utf8')).trim();
    const hostId = market.hosts[0]?.hostId ?? '';
    // A new host's answers are all sampled; three checks of them as the verifier records its verdicts (an honest
    // host's distances are this small).
    await expect.poll(async () => (await market.verification.unscoredSamples(3)).length, { timeout: 10_000 }).toBe(3);
    const samples = await market.verification.unscoredSamples(3);
    const meanTvs = [3.2e-7, 4.5e-6, 1.25e-5];
    for (const [i, meanTv] of meanTvs.entries()) {
      const verdict = {
        passed: true,
        positions: 48,
        meanTv,
        maxTv: meanTv * 10,
        meanAbsLogprobDelta: 0,
        greedyMismatches: 0,
        implausibleStops: 0,
        reasons: [],
      };
      const requestIds = [samples[i]?.requestId ?? ''];
      await market.verification.recordCheck(
        { id: `chk_console_${i}`, hostId, modelId: 'agora-tiny', verdict, reference: 'agora-tiny f32', requestIds },
        (standing) => standing,
      );
    }
    type Checks = { checks: Array<{ id: string; mean_tv: number }>; has_more: boolean };
    const first = (await admin<Checks>(market, 'GET', `/admin/hosts/${hostId}/checks?limit=2`)).body;
    const rest = (
      await admin<Checks>(market, 'GET', `/admin/hosts/${hostId}/checks?limit=2&after=${first.checks.at(-1)?.id}`)
    ).body;
    expect([first.has_more, rest.has_more]).toEqual([true, false]);
    expect(new Set([...first.checks, ...rest.checks].map((c) => c.id))).toEqual(
      new Set(meanTvs.map((_, i) => `chk_console_${i}`)),
    );

    const page = await signedIn(browser, market.url, token);
    const meanTvCells = page.getByTestId('host-checks').locator('tbody tr td:nth-child(5)');
    await expect
      .poll(() => meanTvCells.allTextContents())
      .toEqual([...first.checks, ...rest.checks].map((c) => c.mean_tv.toExponential(2)));
    expect(await meanTvCells.allTextContents()).toContain('3.20e-7');
    await screenshot(page, 'host-checks');
  });

  it('shows the operator hosts, prices, ledger totals and traffic from the market, with no failed request on load', async () => {
    const page = await signedIn(browser, market.url, market.operatorKey);
    // Load the signed-in page afresh and watch every response it gets (before sign-in, /console/session is a 401).
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    const history = page.waitForResponse((response) => response.url().includes('/v1/pricing/history'));
    await page.reload();
    const hosts = (await admin<{ data: Array<{ name: string }> }>(market, 'GET', '/admin/hosts')).body.data;
    await expect.poll(() => page.getByTestId('ops-hosts').textContent()).toContain(hosts[0]?.name);
    // The credits total moves while leases are taken and returned, so the page and the market are compared afresh
    // until they agree (the page reloads its figures every few seconds).
    const creditsAgree = async () => {
      type Kinds = { data: Array<{ kind: string; accounts: number; balance: string }> };
      const credits = (await admin<Kinds>(market, 'GET', '/admin/ledger')).body.data.find((k) => k.kind === 'credits');
      const shown = await page.getByTestId('ops-ledger').locator('tr', { hasText: 'credits' }).first().textContent();
      return credits !== undefined && shown === `credits${credits.accounts}${credits.balance}`;
    };
    await expect.poll(creditsAgree, { timeout: 15_000 }).toBe(true);
    // Governance units are an asset of their own: counted in whole units, never shown as an amount of credits.
    type Assets = { data: Array<{ kind: string; asset: string; balance: string }> };
    const units = (await admin<Assets>(market, 'GET', '/admin/ledger')).body.data.find((k) => k.kind === 'gov_units');
    expect(units).toMatchObject({ asset: 'governance_unit', balance: expect.stringMatching(/^\d+$/) });
    expect(await page.getByTestId('ops-ledger').locator('tr', { hasText: 'gov_units' }).textContent()).toContain(
      `${units!.balance} units`,
    );
    await expect.poll(() => page.getByTestId('ops-prices').textContent()).toContain('agora-tiny');
    // The hosts' asks beside the market price: the built-in host asks the base price and is online.
    // (the built-in host also serves the embedding SKU: its row is the chat model's)
    const asks = page
      .getByTestId('ops-asks')
      .locator('tr', { hasText: hosts[0]!.name, has: page.getByRole('cell', { name: 'agora-tiny', exact: true }) });
    await expect.poll(() => asks.textContent()).toContain('online');
    expect(await asks.textContent()).toContain('0.0000001 / 0.0000002');
    await page.getByTestId('ops-rps-chart').locator('canvas').waitFor({ timeout: 15_000 });
    expect((await history).url()).toContain('model=agora-tiny');
    expect(failed).toEqual([]);
    await screenshot(page, 'operator');
  });

  it('shows the public status page with the model, an incident, and the model down during a host outage', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${market.url}/status`);
    const row = page.locator('tr[data-model="agora-tiny"]');
    expect(await row.locator('.state').textContent()).toBe('operational');

    const opened = await admin<{ id: string }>(market, 'POST', '/admin/incidents', {
      title: 'Slow answers',
      models: ['agora-tiny'],
      message: 'Looking into latency.',
    });
    expect(opened.status).toBe(201);
    await expect
      .poll(async () => (await page.reload(), await page.locator('.incident').textContent()), { timeout: 10_000 })
      .toContain('Slow answers');
    await screenshot(page, 'status');

    await Promise.all(market.hosts.map((h) => h.close()));
    await expect
      .poll(async () => (await page.reload(), await row.locator('.state').textContent()), { timeout: 20_000 })
      .toBe('down');
    expect(await row.locator('td').nth(2).textContent()).toBe('0');
    await screenshot(page, 'status-outage');
  });
});
