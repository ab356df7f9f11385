// A whole governance cycle on a real market, time advanced by hand: the registry lists every parameter and /admin
// can no longer change a governed one; genesis issues units to the operator's account once; a parameter change is
// proposed, voted with checkpointed power, queued, and executed by the epoch boundary after its timelock, and the
// market's rules read the new value; a delegate votes its delegators' units until one votes itself. The named
// attacks are refused: power bought after the snapshot, a double vote, a payload other than the voted one, a second
// execution, a value outside bounds or step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey, unlimitedKey } from '../../src/app/admin/account-admin.ts';
import { DEFAULT_MARKET_RULES, type MarketRules } from '../../src/domain/economics/market-rules.ts';
import { cryptoIds } from '../../src/main/system-ports.ts';
import { createManualTime } from '../support/manual-time.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

const EPOCH_MS = 20_000;
const rules: MarketRules = {
  ...DEFAULT_MARKET_RULES,
  pricing: { ...DEFAULT_MARKET_RULES.pricing, intervalMs: 3_600_000 },
  epochs: { lengthMs: EPOCH_MS, holdBackEpochs: 1, closeGraceMs: 100 },
};
const time = createManualTime();
let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket({
    builtinHosts: 0,
    economics: rules,
    time,
    governance: { rules: { votingDelayEpochs: 1, votingPeriodEpochs: 2, quorumBps: 400, timelockEpochs: 2 } },
  });
});
afterAll(() => market.stop());

const call = async <T = Record<string, unknown>>(key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${market.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
};
/** Ends the open epoch and settles, then runs governance's boundary step (the settlement job runs both). */
const nextEpoch = async () => {
  const open = await market.governance.store.currentEpoch();
  const endsAtMs = (await market.economics.findEpoch(open))!.endsAtMs + rules.epochs.closeGraceMs;
  await time.advance(Math.max(0, endsAtMs - time.clock.nowMs()));
  await admin(market, 'POST', '/admin/epochs/settle');
  await market.governance.boundary();
};
type Proposal = { id: string; state: string; tally: Record<string, string>; execution_diff: unknown };

describe('governance', () => {
  it('lists every parameter with owner and bounds, and /admin refuses a governed one', async () => {
    const list = await fetch(`${market.url}/v1/governance/parameters`).then(
      (r) => r.json() as Promise<{ data: Array<Record<string, unknown>> }>,
    );
    expect(list.data.find((p) => p.name === 'take_rate_bps')).toMatchObject({
      value: '1000',
      owner: 'governance',
      min: '0',
      max: '3000',
      max_step: '250',
      set_by_proposal: null,
    });
    const refused = await admin(market, 'PUT', '/admin/parameters/take_rate_bps', { value: '1200' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'parameter_governed', param: 'name' } });
    const operatorOwned = await admin(market, 'PUT', '/admin/parameters/rate_limit_rpm', { value: '700' });
    expect(operatorOwned).toMatchObject({ status: 200, body: { value: '700', owner: 'operator' } });
    expect(market.governance.registry.live.rateLimits.requestsPerMinute).toBe(700);
  });

  it('runs a parameter change from proposal to execution, refusing each named attack on the way', async () => {
    await admin(market, 'POST', '/admin/epochs/settle'); // opens epoch 0
    const operatorAdmin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const founder = (await issueKey(operatorAdmin, 'market', 'buyer', unlimitedKey('market'))).key;
    const [minor, late, delegator] = [
      await fundedBuyer(market, '0'),
      await fundedBuyer(market, '0'),
      await fundedBuyer(market, '0'),
    ];
    expect((await call(founder, 'GET', '/v1/governance/units')).body).toEqual({ account: 'market', units: '1000000' });
    const sent = await call(founder, 'POST', '/v1/governance/transfers', {
      to: minor.accountId,
      units: '300000',
      idempotency_key: 'minor-share',
    });
    expect(sent.body).toMatchObject({ units: '700000' });
    await call(founder, 'POST', '/v1/governance/transfers', {
      to: delegator.accountId,
      units: '100000',
      idempotency_key: 'delegator-share',
    });
    const delegated = await call(delegator.key, 'POST', '/v1/governance/delegations', { to: 'market' });
    expect(delegated.body).toMatchObject({ delegates_to: { delegator: delegator.accountId, delegate: 'market' } });

    // Outside bounds and beyond the step: refused when proposed.
    for (const value of ['5000', '1500']) {
      const refused = await call(founder, 'POST', '/v1/governance/proposals', {
        type: 'parameter_change',
        payload: { parameter: 'take_rate_bps', value },
      });
      expect(refused).toMatchObject({ status: 400, body: { error: { code: 'parameter_change_refused' } } });
    }
    const payload = { parameter: 'take_rate_bps', value: '1200' };
    const created = await call<Proposal>(founder, 'POST', '/v1/governance/proposals', {
      type: 'parameter_change',
      payload,
    });
    expect(created).toMatchObject({ status: 201, body: { state: 'pending', snapshot_epoch: 1 } });
    const id = created.body.id;
    const again = await call(founder, 'POST', '/v1/governance/proposals', {
      type: 'parameter_change',
      payload: { parameter: 'take_rate_bps', value: '1100' },
    });
    expect(again.body).toMatchObject({ error: { code: 'proposal_limit' } });
    expect((await call(founder, 'POST', `/v1/governance/proposals/${id}/votes`, { support: 'for' })).status).toBe(409);

    await nextEpoch(); // epoch 1: the vote opens on the balances checkpointed at its boundary
    // Power bought after the snapshot has no effect.
    await call(founder, 'POST', '/v1/governance/transfers', {
      to: late.accountId,
      units: '1',
      idempotency_key: 'late',
    });
    expect(
      (await call(late.key, 'POST', `/v1/governance/proposals/${id}/votes`, { support: 'against' })).body,
    ).toMatchObject({
      error: { code: 'no_voting_power' },
    });
    // The founder votes its own units and those delegated to it.
    expect(
      (await call(founder, 'POST', `/v1/governance/proposals/${id}/votes`, { support: 'for' })).body,
    ).toMatchObject({
      power: '700000',
      snapshot_epoch: 1,
      replaced: false,
      sources: [
        { kind: 'own', units: '600000' },
        { kind: 'delegated', from: delegator.accountId, units: '100000' },
      ],
    });
    // A double vote replaces the first, never adds to it.
    await call(minor.key, 'POST', `/v1/governance/proposals/${id}/votes`, { support: 'for' });
    const changed = await call(minor.key, 'POST', `/v1/governance/proposals/${id}/votes`, { support: 'against' });
    expect(changed.body).toMatchObject({ power: '300000', replaced: true });
    expect((await call<Proposal>(founder, 'GET', `/v1/governance/proposals/${id}`)).body).toMatchObject({
      state: 'active',
      tally: { for: '700000', against: '300000', abstain: '0' },
      quorum: { active_power: '1000000', reached: true },
    });
    // A delegator's own vote overrides its delegate: its units leave the founder's vote.
    await call(delegator.key, 'POST', `/v1/governance/proposals/${id}/votes`, { support: 'abstain' });
    expect((await call<Proposal>(founder, 'GET', `/v1/governance/proposals/${id}`)).body).toMatchObject({
      tally: { for: '600000', against: '300000', abstain: '100000' },
    });

    await nextEpoch();
    await nextEpoch(); // epoch 3: the vote has closed; the boundary queues it until epoch 5
    const queued = (
      await call<Proposal & { timeline: { executable_epoch: number } }>(
        founder,
        'GET',
        `/v1/governance/proposals/${id}`,
      )
    ).body;
    expect(queued).toMatchObject({ state: 'queued', timeline: { queued_epoch: 3, executable_epoch: 5 } });
    expect((await call(founder, 'POST', `/v1/governance/proposals/${id}/execute`, { payload })).body).toMatchObject({
      error: { code: 'proposal_not_executable' },
    });
    // Another payload under the voted id: refused, nothing executes.
    const swapped = await call(founder, 'POST', `/v1/governance/proposals/${id}/execute`, {
      payload: { parameter: 'take_rate_bps', value: '1250' },
    });
    expect(swapped).toMatchObject({ status: 409, body: { error: { code: 'payload_mismatch' } } });

    await nextEpoch();
    await nextEpoch(); // epoch 5: executed at the boundary
    const executed = (await call<Proposal>(founder, 'GET', `/v1/governance/proposals/${id}`)).body;
    expect(executed).toMatchObject({
      state: 'executed',
      execution_diff: { parameter: 'take_rate_bps', before: '1000', after: '1200' },
    });
    expect(market.governance.registry.live.market.split.takeRateBps).toBe(1_200n);
    const listed = await fetch(`${market.url}/v1/governance/parameters`).then(
      (r) => r.json() as Promise<{ data: Array<Record<string, unknown>> }>,
    );
    expect(listed.data.find((p) => p.name === 'take_rate_bps')).toMatchObject({
      value: '1200',
      set_by_proposal: id,
      set_in_epoch: 5,
    });
    // Executing again is a no-op.
    const twice = await call<Proposal>(founder, 'POST', `/v1/governance/proposals/${id}/execute`, { payload });
    expect(twice).toMatchObject({ status: 200, body: { state: 'executed' } });
    const events = (await call<{ events: Array<{ kind: string }> }>(founder, 'GET', `/v1/governance/proposals/${id}`))
      .body.events;
    expect(events.map((e) => e.kind)).toEqual(['proposed', 'vote', 'vote', 'vote', 'vote', 'queued', 'executed']);
  });
});
