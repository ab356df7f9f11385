// Epochs, settlement, payouts, top-ups and bonds on a real market with two built-in hosts: an epoch's report equals
// its usage and ledger to the nano-unit; its earnings become payable only after the hold-back; a settlement that
// crashes between two hosts' releases finishes on the next run without paying anyone twice; payouts and top-ups
// settle once however often they are confirmed; `agora ledger check` reconciles the stopped market and names a
// report that no longer matches its ledger. Epochs end when the test advances the market's time, not by waiting.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EconomicsStore } from '../../src/app/economics/economics-store.ts';
import { settleEpochs } from '../../src/app/economics/settlement.ts';
import { openDatabase } from '../../src/adapters/sql/open-database.ts';
import { DEFAULT_MARKET_RULES, type MarketRules } from '../../src/domain/economics/market-rules.ts';
import { ledgerAccount } from '../../src/domain/ledger/transaction.ts';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { createManualTime } from '../support/manual-time.ts';
import { agoraCli } from '../support/market-process.ts';
import { admin, fundedBuyer, onPostgres, startTestMarket, type TestMarket } from '../support/test-market.ts';

// Long enough that the first test's requests (stamped by the database's clock) all land in epoch 0 however busy the
// machine; the epoch still ends at once when the test advances past it.
const EPOCH_MS = 20_000;
const rules: MarketRules = {
  ...DEFAULT_MARKET_RULES,
  pricing: { ...DEFAULT_MARKET_RULES.pricing, intervalMs: 3_600_000 },
  epochs: { lengthMs: EPOCH_MS, holdBackEpochs: 1, closeGraceMs: 100 },
};
const time = createManualTime();
let market: TestMarket;
let closed = false;
beforeAll(async () => {
  market = await startTestMarket({ builtinHosts: 2, economics: rules, time });
});
afterAll(async () => {
  if (closed) rmSync(market.dataDir, { recursive: true, force: true });
  else await market.stop();
});

const nanos = (text: unknown) => parseNanos(String(text)) as bigint;
const hostToken = (i: number) =>
  readFileSync(join(market.dataDir, 'hosts', `host-${i + 1}`, 'host.token'), 'utf8').trim();
async function asHost<T = Record<string, unknown>>(
  i: number,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${market.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${hostToken(i)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
type Epoch = {
  epoch: number;
  closed: string | null;
  released: string | null;
  report: {
    requests: number;
    revenue: string;
    captured: string;
    host_earnings: string;
    platform_fees: string;
    treasury: string;
    hosts: Array<{ host: string; requests: number; earned: string }>;
  } | null;
};
const settle = () => admin<{ closed: Epoch[]; released: number[] }>(market, 'POST', '/admin/epochs/settle');
const epoch = async (n: number) => (await admin<Epoch>(market, 'GET', `/admin/epochs/${n}`)).body;
/** Advances the market's time past epoch `n`'s end and its grace, so the next settlement closes it. */
async function pastEpoch(n: number): Promise<void> {
  const closesAtMs = (await market.economics.findEpoch(n))!.endsAtMs + rules.epochs.closeGraceMs;
  await time.advance(Math.max(0, closesAtMs - time.clock.nowMs()));
}
const funds = async (i: number) => (await asHost<Record<string, string>>(i, 'GET', '/hosts/me/funds')).body;

describe('epochs, settlement and payouts', () => {
  it('reports an epoch to the nano-unit, holds its earnings back one epoch, and finishes a release that crashed midway', async () => {
    await settle();
    const buyer = await fundedBuyer(market, '5');
    const [a, b] = market.hosts.map((h) => h.hostId) as [string, string];
    const sends = [...Array.from({ length: 12 }, () => a), ...Array.from({ length: 8 }, () => b)].map((host) =>
      postChat(market.url, buyer.key, { max_tokens: 4, provider: { only: [host] } }),
    );
    expect((await Promise.all(sends)).map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    await market.flushBilling();
    const usage = (
      (await (
        await fetch(`${market.url}/v1/usage?limit=100`, { headers: { authorization: `Bearer ${buyer.key}` } })
      ).json()) as { data: Array<{ host: string; cost: string }> }
    ).data;
    const spent = usage.reduce((sum, r) => sum + nanos(r.cost), 0n);

    await pastEpoch(0);
    expect((await settle()).body.closed.map((e) => e.epoch)).toEqual([0]);
    const report = (await epoch(0)).report!;
    expect(report.requests).toBe(20);
    expect(nanos(report.revenue)).toBe(spent);
    expect(nanos(report.captured)).toBe(spent);
    const take = spent - nanos(report.host_earnings);
    expect(nanos(report.platform_fees) + nanos(report.treasury)).toBe(take);
    const earnedBy = new Map(report.hosts.map((h) => [h.host, nanos(h.earned)]));
    for (const [i, host] of [a, b].entries()) {
      const paid = usage.filter((r) => r.host === host).reduce((sum, r) => sum + nanos(r.cost), 0n);
      expect(earnedBy.get(host)).toBe(paid - (paid * 1_000n) / 10_000n);
      // Held back: not payable until the next epoch has closed too.
      expect(await funds(i)).toMatchObject({ payable: '0' });
    }

    // Epoch 1 ends; its settlement releases epoch 0 — and crashes after the first host's release.
    await pastEpoch(1);
    let releases = 0;
    const crashing: EconomicsStore = {
      ...market.economics,
      async releaseHostEarnings(...args) {
        releases += 1;
        if (releases === 2) throw new Error('killed between two hosts');
        return market.economics.releaseHostEarnings(...args);
      },
    };
    await expect(settleEpochs({ store: crashing, clock: time.clock }, rules)).rejects.toThrow(
      'killed between two hosts',
    );
    const [first, second] = [a, b].sort();
    const payable = async (host: string) => market.store.balanceOf(ledgerAccount.hostPayable(host));
    expect(await payable(first!)).toBe(earnedBy.get(first!));
    expect(await payable(second!)).toBe(0n);
    expect((await epoch(0)).released).toBeNull();

    const resumed = await settle();
    expect(resumed.body.released).toEqual([0]);
    await settle();
    for (const host of [a, b]) expect(await payable(host)).toBe(earnedBy.get(host));
    expect((await admin(market, 'GET', '/admin/ledger/check')).body).toMatchObject({ ok: true, epoch_mismatches: [] });
  });

  it('pays a payout once however often it is asked for or confirmed', async () => {
    const before = await funds(0);
    expect(nanos(before.payable)).toBeGreaterThan(0n);
    const ask = () =>
      asHost<{ id: string; amount: string; status: string }>(
        0,
        'POST',
        '/hosts/me/payouts',
        {},
        { 'idempotency-key': 'june-payout' },
      );
    const [one, two] = [await ask(), await ask()];
    expect(one.status).toBe(201);
    expect(two.body).toEqual(one.body);
    expect(one.body.amount).toBe(before.payable);
    expect(await funds(0)).toMatchObject({ payable: '0', payout_pending: before.payable });
    expect((await asHost(0, 'POST', '/hosts/me/payouts', {})).body).toMatchObject({
      error: { code: 'insufficient_payable' },
    });

    const paid = await admin(market, 'POST', `/admin/payouts/${one.body.id}/paid`, { reference: 'bank-123' });
    expect(paid.body).toMatchObject({ status: 'paid', reference: 'bank-123' });
    expect((await admin(market, 'POST', `/admin/payouts/${one.body.id}/paid`, { reference: 'bank-123' })).status).toBe(
      200,
    );
    expect(
      (await admin(market, 'POST', `/admin/payouts/${one.body.id}/failed`, { reference: 'oops' })).body,
    ).toMatchObject({ error: { code: 'payout_settled' } });
    expect(await market.store.balanceOf(ledgerAccount.paidOut)).toBe(nanos(before.payable));
    expect(await funds(0)).toMatchObject({ payable: '0', payout_pending: '0' });
  });

  it('credits a top-up once the operator confirms the payment, once; a host deposits a bond and unbonds part of it', async () => {
    const buyer = await fundedBuyer(market, '0');
    const credits = async () =>
      nanos(
        (
          (await (
            await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${buyer.key}` } })
          ).json()) as { balance: string }
        ).balance,
      );
    const invoice = await fetch(`${market.url}/v1/topups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '2.5' }),
    });
    const topUp = (await invoice.json()) as { id: string; status: string; instructions: string; reference: string };
    expect(invoice.status).toBe(201);
    expect(topUp).toMatchObject({ status: 'pending' });
    expect(topUp.instructions).toContain(topUp.reference);
    expect(await credits()).toBe(0n);
    for (let i = 0; i < 2; i++)
      expect(
        (await admin(market, 'POST', `/admin/topups/${topUp.id}/confirm`, { reference: 'wire-9' })).body,
      ).toMatchObject({ status: 'confirmed' });
    expect(await credits()).toBe(2_500_000_000n);
    expect((await admin(market, 'POST', `/admin/topups/${topUp.id}/cancel`, { reference: 'x' })).body).toMatchObject({
      error: { code: 'topup_settled' },
    });
    expect(
      (
        await fetch(`${market.url}/v1/topups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
          body: '{"amount":"-1"}',
        })
      ).status,
    ).toBe(400);

    const deposit = await asHost<{ id: string }>(1, 'POST', '/hosts/me/bond/deposits', { amount: '1' });
    await admin(market, 'POST', `/admin/topups/${deposit.body.id}/confirm`, { reference: 'wire-10' });
    expect(await funds(1)).toMatchObject({ bond: '1' });
    const current = (await market.economics.currentEpoch())!;
    const unbonding = await asHost<{ amount: string; release_epoch: number }>(1, 'POST', '/hosts/me/unbond', {
      amount: '0.4',
    });
    expect(unbonding.body).toMatchObject({ amount: '0.4', release_epoch: current + rules.bonds.unbondingEpochs });
    expect(await funds(1)).toMatchObject({ bond: '0.6', unbonding: '0.4' });
    expect((await asHost(1, 'POST', '/hosts/me/unbond', { amount: '5' })).body).toMatchObject({
      error: { code: 'insufficient_bond' },
    });
    expect((await admin(market, 'GET', '/admin/ledger/check')).body).toMatchObject({ ok: true });
  });

  it.skipIf(onPostgres())(
    '`agora ledger check` reconciles the stopped market, and names an epoch report that no longer matches the ledger',
    async () => {
      await market.close();
      closed = true;
      const ok = await agoraCli(['ledger', 'check', '--data-dir', market.dataDir]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/Ledger OK/);
      const database = await openDatabase({ dataDir: join(market.dataDir, 'pgdata') });
      await sql`update epochs set report = jsonb_set(report, '{revenue}', '"1"') where number = 0`.execute(database.db);
      await database.close();
      const tampered = await agoraCli(['ledger', 'check', '--data-dir', market.dataDir]);
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toMatch(/MISMATCH epoch 0 revenue: the report says 1, the ledger/);
    },
  );
});
