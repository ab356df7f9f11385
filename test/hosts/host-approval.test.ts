// Registration under approval (`agora start --host-admission approval`): a host that passes the signature and SKU
// checks waits, unprobed — the market calls no address the operator has not approved — and gets no traffic until
// `agora hosts approve` probes it; a host that fails the probe at approval stays out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostAgent, type RunningHostAgent } from '../../src/main/host-agent.ts';
import { postChat } from '../support/chat-request.ts';
import { registerHost, signedRegistration } from '../support/host-registration.ts';
import { agoraCli } from '../support/market-process.ts';
import { TEST_MODEL_CACHE } from '../support/model-cache-dir.ts';
import { startScriptedUpstream } from '../support/scripted-upstream.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

const root = mkdtempSync(join(tmpdir(), 'agora-approval-'));
let market: TestMarket;
let agent: RunningHostAgent | undefined;
beforeAll(async () => {
  market = await startTestMarket({ builtinHosts: 0, hostAdmission: 'approval' });
});
afterAll(async () => {
  await agent?.close();
  await market.stop();
  rmSync(root, { recursive: true, force: true });
});

const operatorCli = (args: string[]) =>
  agoraCli([...args, '--market', market.url, '--operator-key', market.operatorKey]);

describe('host registration under approval', () => {
  it('keeps a new host waiting and unprobed until the operator approves it, then routes to it', async () => {
    agent = await startHostAgent({
      marketUrl: market.url,
      engine: { kind: 'builtin' },
      maxConcurrency: 2,
      dataDir: join(root, 'agent'),
      modelCacheDir: TEST_MODEL_CACHE,
      listenHost: '127.0.0.1',
      port: 0,
      name: 'waiting host',
    });
    expect(agent.status).toBe('pending');
    const buyer = await fundedBuyer(market, '1');
    const refused = await postChat(market.url, buyer.key, { max_tokens: 4 });
    expect(refused.status).toBe(503);

    const listed = await operatorCli(['hosts', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${agent.hostId}\\s+waiting host\\s+pending`));
    const approved = await operatorCli(['hosts', 'approve', agent.hostId]);
    expect(approved.stdout).toContain(`Approved ${agent.hostId}: serving agora-tiny`);

    const served = await postChat(market.url, buyer.key, { max_tokens: 4 });
    expect(served.status).toBe(200);
    await market.flushBilling();
    const usage = (await (
      await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${buyer.key}` } })
    ).json()) as { data: Array<{ host: string }> };
    expect(usage.data[0]?.host).toBe(agent.hostId);
  });

  it('calls a pending address only at approval, and keeps out a host that fails the probe then', async () => {
    const impostor = await startScriptedUpstream({
      status: 200,
      body: { choices: [], usage: { prompt_tokens: 31, completion_tokens: 1 } },
    });
    try {
      const registered = await registerHost(
        market.url,
        await signedRegistration(join(root, 'impostor.key'), { base_url: impostor.url }),
      );
      expect(registered).toMatchObject({ status: 202, body: { status: 'pending' } });
      expect(impostor.requests).toBe(0);
      const approval = await operatorCli(['hosts', 'approve', registered.body.host_id]);
      expect(approval.code).toBe(1);
      expect(approval.stderr).toMatch(
        /403: No declared model was admitted: agora-tiny: the probe's prompt is \d+ tokens .* the host counted 31/,
      );
      expect(impostor.requests).toBe(1);
      expect((await operatorCli(['hosts', 'list'])).stdout).toMatch(
        new RegExp(`${registered.body.host_id}\\s+test host\\s+pending`),
      );
    } finally {
      await impostor.stop();
    }
  });
});
