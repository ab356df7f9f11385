// `agora sandbox --scenario governance`: a whole governance cycle on a real market in accelerated time (epochs of
// 1.5 s). Genesis issues the operator's founding units; the founder sends units to two voters, one of whom delegates
// to the other; a take-rate change is proposed, voted with the balances checkpointed when its vote opened, queued
// through its timelock and executed by the epoch boundary; a paid request before and after shows the running market
// taking the new rate; a second proposal is defeated. Each named attack is tried and must be refused. Ends with one JSON line for tools.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import { DEFAULT_MARKET_RULES } from '../domain/economics/market-rules.ts';
import { ledgerAccount } from '../domain/ledger/transaction.ts';
import { parseNanos, splitCost } from '../domain/money/nanos.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { BUILTIN_MODEL_ID } from './builtin-model.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket, type RunningMarket } from './market.ts';
import { cryptoIds } from './system-ports.ts';

export type GovernanceSandboxOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type GovernanceSandboxResult = {
  scenario: 'governance';
  seed: number;
  ok: boolean;
  executed: boolean;
  proposal_state: string;
  parameter: string;
  before: string;
  after: string;
  old_value: string;
  new_value: string;
  votes_for: string;
  votes_against: string;
  votes_abstain: string;
  /** units Bob delegated to Alice, counted in her vote */
  delegated_units: string;
  active_power: string;
  snapshot_epoch: number;
  executed_at_epoch: number | null;
  /** the take of a paid request before and after execution, in basis points of its cost */
  take_before_bps: string;
  take_after_bps: string;
  defeated_state: string;
  attacks_refused: number;
  attacks_tried: number;
};

const EPOCH_MS = 1_500;
const PARAMETER = 'take_rate_bps';

type Json = Record<string, unknown>;
type ProposalView = Json & {
  id: string;
  state: string;
  tally: { for: string; against: string; abstain: string };
  quorum: { active_power: string };
  snapshot_epoch: number;
  timeline: { executed_epoch: number | null; executable_epoch: number | null };
};

export async function runGovernanceSandbox(options: GovernanceSandboxOptions): Promise<GovernanceSandboxResult> {
  const { say, seed } = options;
  const prng = createPrng(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-governance-'));
  const market = await startMarket(
    localMarketOptions({
      dataDir,
      modelCacheDir: options.modelCacheDir,
      builtinHosts: 1,
      economics: { ...DEFAULT_MARKET_RULES, epochs: { lengthMs: EPOCH_MS, holdBackEpochs: 1, closeGraceMs: 100 } },
      settlementIntervalMs: 250,
      governance: { rules: { votingDelayEpochs: 1, votingPeriodEpochs: 4, quorumBps: 400, timelockEpochs: 2 } },
    }),
  );
  try {
    const api = async <T = Json>(key: string | undefined, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${market.url}${path}`, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T & { error?: { code: string } } };
    };
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const founder = (await issueKey(admin, 'market', 'buyer', unlimitedKey('market'))).key;
    const voter = async (name: string) => {
      const account = await createAccount(admin, name);
      return { account, key: (await issueKey(admin, account, 'buyer', unlimitedKey(account))).key };
    };
    const [alice, bob, latecomer] = [await voter('Alice'), await voter('Bob'), await voter('Latecomer')];
    const genesis = await api<{ units: string }>(founder, 'GET', '/v1/governance/units');
    say(
      `market ${market.url}, epochs of ${EPOCH_MS} ms; genesis: the operator's account holds ${genesis.body.units} units`,
    );
    const aliceUnits = 100_000 + (prng.nextUint32() % 200_000);
    const bobUnits = 50_000 + (prng.nextUint32() % 100_000);
    for (const [to, units] of [
      [alice, aliceUnits],
      [bob, bobUnits],
    ] as const)
      await api(founder, 'POST', '/v1/governance/transfers', {
        to: to.account,
        units: String(units),
        idempotency_key: `sandbox-${seed}-${to.account}`,
      });
    say(`the founder sent ${aliceUnits} units to Alice and ${bobUnits} to Bob`);
    await api(bob.key, 'POST', '/v1/governance/delegations', { to: alice.account });
    say('Bob delegates his voting power to Alice');

    let tried = 0;
    let refused = 0;
    const attack = (name: string, response: { status: number; body: { error?: { code: string } } }, code: string) => {
      tried++;
      const ok = response.body.error?.code === code;
      if (ok) refused++;
      say(`attack: ${name} → ${ok ? `refused (${response.status} ${code})` : `NOT REFUSED (${response.status})`}`);
    };

    const before = await paidTake(market, api);
    say(`a paid request: cost ${before.cost} nano-units, take ${before.take} (${before.bps} bps)`);
    const oldValue = market.governance.registry.entry(PARAMETER).value;
    const newValue = oldValue + 50n * BigInt(1 + (seed % 5));
    attack(
      'a parameter outside its bounds',
      await api(founder, 'POST', '/v1/governance/proposals', {
        type: 'parameter_change',
        payload: { parameter: PARAMETER, value: '9000' },
      }),
      'parameter_change_refused',
    );
    attack(
      'a step beyond the maximum',
      await api(founder, 'POST', '/v1/governance/proposals', {
        type: 'parameter_change',
        payload: { parameter: PARAMETER, value: String(oldValue + 1_000n) },
      }),
      'parameter_change_refused',
    );
    attack(
      'the operator changing a governed parameter on /admin',
      await api(market.operatorKey, 'PUT', `/admin/parameters/${PARAMETER}`, { value: String(newValue) }),
      'parameter_governed',
    );
    const payload = { parameter: PARAMETER, value: String(newValue) };
    const created = await api<ProposalView>(founder, 'POST', '/v1/governance/proposals', {
      type: 'parameter_change',
      payload,
    });
    const id = created.body.id;
    say(
      `proposal ${id}: ${PARAMETER} ${oldValue} → ${newValue}, ${created.body.state}, snapshot at epoch ${created.body.snapshot_epoch}`,
    );

    await until(
      () => state(api, id),
      (s) => s === 'active',
      'the vote to open',
    );
    // Alice (whose units are in this epoch's checkpoint now) proposes a smaller price step; the founder votes it down.
    const doomed = await api<ProposalView>(alice.key, 'POST', '/v1/governance/proposals', {
      type: 'parameter_change',
      payload: { parameter: 'price_max_step_bps', value: '1000' },
    });
    await api(founder, 'POST', '/v1/governance/transfers', {
      to: latecomer.account,
      units: '500000',
      idempotency_key: `sandbox-${seed}-late`,
    });
    attack(
      'a vote with power bought after the snapshot',
      await api(latecomer.key, 'POST', `/v1/governance/proposals/${id}/votes`, { support: 'against' }),
      'no_voting_power',
    );
    const vote = (key: string, proposal: string, support: string) =>
      api<{ power: string; replaced: boolean }>(key, 'POST', `/v1/governance/proposals/${proposal}/votes`, { support });
    const cast = await vote(founder, id, 'for');
    say(`the founder votes for with ${cast.body.power} (checkpointed at epoch ${created.body.snapshot_epoch})`);
    await vote(alice.key, id, 'for');
    const changed = await vote(alice.key, id, 'against');
    tried++;
    const replacedNotAdded = changed.body.replaced && changed.body.power === String(aliceUnits + bobUnits);
    if (replacedNotAdded) refused++;
    say(
      `attack: a double vote → ${replacedNotAdded ? 'replaced, not added' : 'NOT REPLACED'} (Alice now against, with Bob's ${bobUnits} delegated units)`,
    );

    const queued = await until(
      () => state(api, id),
      (s) => s === 'queued' || s === 'defeated',
      'the vote to close',
    );
    say(`the vote closed: ${queued}`);
    attack(
      'an execution before the timelock',
      await api(founder, 'POST', `/v1/governance/proposals/${id}/execute`, { payload }),
      'proposal_not_executable',
    );
    attack(
      'an execution with another payload under the voted id',
      await api(founder, 'POST', `/v1/governance/proposals/${id}/execute`, {
        payload: { parameter: PARAMETER, value: String(newValue + 1n) },
      }),
      'payload_mismatch',
    );
    await until(
      () => state(api, id),
      (s) => s !== 'queued',
      'the timelock to pass',
    );
    const final = (await api<ProposalView>(undefined, 'GET', `/v1/governance/proposals/${id}`)).body;
    say(`proposal ${final.state} at epoch ${final.timeline.executed_epoch}: ${JSON.stringify(final.execution_diff)}`);
    const twice = await api<ProposalView>(founder, 'POST', `/v1/governance/proposals/${id}/execute`, { payload });
    tried++;
    const noOp = twice.status === 200 && twice.body.timeline.executed_epoch === final.timeline.executed_epoch;
    if (noOp) refused++;
    say(`attack: a second execution → ${noOp ? 'a no-op' : 'NOT A NO-OP'}`);

    const after = await paidTake(market, api);
    say(`a paid request now: cost ${after.cost} nano-units, take ${after.take} (${after.bps} bps)`);
    // Voted down while open; a busy machine may let its whole vote pass first, and then it fails for want of quorum.
    const opened = await until(
      () => state(api, doomed.body.id),
      (s) => s !== 'pending',
      "Alice's vote to open",
    );
    if (opened === 'active') await vote(founder, doomed.body.id, 'against');
    const defeated = await until(
      () => state(api, doomed.body.id),
      (s) => s !== 'active',
      "Alice's vote to close",
    );
    say(`Alice's proposal: ${defeated}`);
    const executed = final.state === 'executed';
    return {
      scenario: 'governance',
      seed,
      ok:
        executed &&
        refused === tried &&
        final.tally.against === String(aliceUnits + bobUnits) &&
        after.bps === String(newValue) &&
        after.exact &&
        defeated === 'defeated' &&
        before.exact &&
        before.bps === String(oldValue),
      executed,
      proposal_state: final.state,
      parameter: PARAMETER,
      before: String(oldValue),
      after: market.governance.registry.entry(PARAMETER).value.toString(),
      old_value: String(oldValue),
      new_value: String(newValue),
      votes_for: final.tally.for,
      votes_against: final.tally.against,
      votes_abstain: final.tally.abstain,
      delegated_units: String(bobUnits),
      active_power: final.quorum.active_power,
      snapshot_epoch: final.snapshot_epoch,
      executed_at_epoch: final.timeline.executed_epoch,
      take_before_bps: before.bps,
      take_after_bps: after.bps,
      defeated_state: defeated,
      attacks_refused: refused,
      attacks_tried: tried,
    };
  } finally {
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Api = <T = Json>(
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: T & { error?: { code: string } } }>;

const state = async (api: Api, id: string) =>
  (await api<ProposalView>(undefined, 'GET', `/v1/governance/proposals/${id}`)).body.state;

async function until(read: () => Promise<string>, done: (s: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`governance sandbox: waited a minute for ${what} (still ${value})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One paid request, and what the market took of its cost: the platform's and the treasury's balances before and
 * after. Exact when the take equals splitCost at the rate the registry now holds.
 */
async function paidTake(market: RunningMarket, api: Api) {
  const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
  const buyer = await createAccount(admin, 'Sandbox buyer');
  await grantCredits(admin, buyer, 1_000_000_000_000n, `sandbox-governance-${buyer}`);
  const key = (await issueKey(admin, buyer, 'buyer', unlimitedKey(buyer))).key;
  const taken = async () =>
    (await market.store.balanceOf(ledgerAccount.platformFees)) + (await market.store.balanceOf(ledgerAccount.treasury));
  await market.flushBilling();
  const start = await taken();
  const answer = await api<{ usage: { cost: string } }>(key, 'POST', '/v1/chat/completions', {
    model: BUILTIN_MODEL_ID,
    messages: [{ role: 'user', content: 'Who decides the take rate?' }],
    max_tokens: 16,
    temperature: 0,
    usage: { include: true },
  });
  await market.flushBilling();
  const take = (await taken()) - start;
  const cost = parseNanos(answer.body.usage.cost) ?? 0n;
  const split = market.governance.registry.rules().market.split;
  const expected = splitCost(cost, split);
  return {
    cost: cost.toString(),
    take: take.toString(),
    bps: split.takeRateBps.toString(),
    exact: cost > 0n && take === expected.platform + expected.treasury,
  };
}
