// Hosts that join by themselves: `agora host` processes register with a market (no built-in host of its own), are
// probed, serve traffic only the market may send them, and a host killed in the middle of load costs no buyer a
// failed request. Registrations with a wrong signature, an unsold SKU or another model family are refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { startHostProcess, type HostProcess } from '../support/market-process.ts';
import { startScriptedUpstream } from '../support/scripted-upstream.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';
import { registerHost, signedRegistration } from '../support/host-registration.ts';
import { loadOrCreateHostIdentity, verifyHostSignature } from '../../src/adapters/keys/host-identity.ts';
import { receiptMessage } from '../../src/contracts/hosts/response-receipt.ts';

const root = mkdtempSync(join(tmpdir(), 'agora-hosts-'));
let market: TestMarket;
let hosts: HostProcess[] = [];
beforeAll(async () => {
  market = await startTestMarket({ builtinHosts: 0 });
  hosts = await Promise.all(['one', 'two'].map((name) => startHostProcess(market.url, join(root, name), name)));
}, 120_000);
afterAll(async () => {
  for (const host of hosts) host.child.kill('SIGKILL');
  await market.stop();
  rmSync(root, { recursive: true, force: true });
});

const chat = (key: string) => postChat(market.url, key, { max_tokens: 16 });

const signRegistration = (overrides: Record<string, unknown>) =>
  signedRegistration(join(root, 'test-host.key'), overrides);
const register = (body: object) => registerHost(market.url, body);

describe('host agents', () => {
  it('serves buyers through both registered hosts, and the hosts refuse anyone but the market', async () => {
    const buyer = await fundedBuyer(market, '1');
    const answers = await Promise.all(Array.from({ length: 8 }, () => chat(buyer.key)));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    await market.flushBilling();
    const usage = (await (
      await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${buyer.key}` } })
    ).json()) as { data: Array<{ host: string }> };
    expect(new Set(usage.data.map((r) => r.host))).toEqual(new Set(hosts.map((h) => h.hostId)));

    const direct = await fetch(`${hosts[0]!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'agora-tiny', messages: [{ role: 'user', content: 'free?' }] }),
    });
    expect(direct.status).toBe(401);
  });

  it("keeps each host's signed receipt for every answer, JSON or streamed, and the signature binds the exact bytes", async () => {
    const buyer = await fundedBuyer(market, '1');
    const answers = await Promise.all([
      chat(buyer.key),
      postChat(market.url, buyer.key, { max_tokens: 16, stream: true }),
    ]);
    await Promise.all(answers.map((r) => r.text()));
    await market.flushBilling();
    const usage = (await (
      await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${buyer.key}` } })
    ).json()) as {
      data: Array<{
        request_id: string;
        host: string;
        receipt: { request_digest: string; response_digest: string; host_signature: string | null };
      }>;
    };
    expect(usage.data).toHaveLength(2);
    const keys = new Map(
      await Promise.all(
        hosts.map(
          async (h, i) =>
            [h.hostId, (await loadOrCreateHostIdentity(join(root, ['one', 'two'][i]!, 'host.key'))).publicKey] as const,
        ),
      ),
    );
    for (const record of usage.data) {
      const { request_digest, response_digest, host_signature } = record.receipt;
      expect(request_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(host_signature).not.toBeNull();
      const publicKey = keys.get(record.host)!;
      expect(
        verifyHostSignature(
          publicKey,
          receiptMessage(record.request_id, request_digest, response_digest),
          host_signature!,
        ),
      ).toBe(true);
      const otherBytes = `sha256:${'0'.repeat(64)}`;
      expect(
        verifyHostSignature(publicKey, receiptMessage(record.request_id, request_digest, otherBytes), host_signature!),
      ).toBe(false);
    }
  });

  it('a host stopped with Ctrl-C leaves the routes at once: nothing is sent to it after it exits', async () => {
    const leaving = await startHostProcess(market.url, join(root, 'leaving'), 'leaving');
    const exited = new Promise((resolve) => leaving.child.once('exit', resolve));
    leaving.child.kill('SIGINT');
    await exited;
    // Well within the three heartbeat intervals (6 s) a silent host would still be routed to.
    const listed = await admin<{ data: Array<{ id: string; live: boolean }> }>(market, 'GET', '/admin/hosts');
    expect(listed.body.data.find((h) => h.id === leaving.hostId)?.live).toBe(false);
    const buyer = await fundedBuyer(market, '1');
    const answers = await Promise.all(Array.from({ length: 6 }, () => chat(buyer.key)));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    await market.flushBilling();
    const usage = (await (
      await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${buyer.key}` } })
    ).json()) as { data: Array<{ host: string }> };
    expect(usage.data.map((r) => r.host)).not.toContain(leaving.hostId);
  });

  it('loses no request that had not started when a host is killed in the middle of load', async () => {
    const buyer = await fundedBuyer(market, '1');
    let killedAt = Infinity;
    const finishedAt: number[] = [];
    const load = Array.from({ length: 24 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 15))
        .then(() => chat(buyer.key))
        .then((r) => {
          finishedAt.push(performance.now());
          return r.status;
        }),
    );
    setTimeout(() => {
      hosts[0]!.child.kill('SIGKILL');
      killedAt = performance.now();
    }, 60);
    expect(await Promise.all(load)).toEqual(Array(24).fill(200));
    expect(finishedAt.filter((t) => t > killedAt).length).toBeGreaterThan(10);
  });

  it('refuses a registration whose signature does not verify', async () => {
    const signed = await signRegistration({});
    const tampered = { ...signed, payload: signed.payload.replace('test host', 'evil host') };
    expect(await register(tampered)).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
    const stale = await signRegistration({ signed_at: Date.now() - 3_600_000 });
    expect(await register(stale)).toMatchObject({ status: 401, body: { error: { code: 'stale_registration' } } });
  });

  it('does not admit a host declaring a SKU the market does not sell, or another model family behind the right SKU', async () => {
    const wrongDigest = await signRegistration({
      models: [
        {
          model: 'agora-tiny',
          digest: 'sha256:0000',
          quantization: 'q4_0',
          context_length: 2048,
          ask: { prompt: '0', completion: '0' },
        },
      ],
    });
    const refused = await register(wrongDigest);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'host_not_admitted' } } });
    expect(refused.body.error.message).toContain('the market sells sha256:');

    // A host that claims the SKU but counts the probe's prompt with another tokenizer/template (another family).
    const impostor = await startScriptedUpstream({
      status: 200,
      body: {
        id: 'x',
        object: 'chat.completion',
        created: 0,
        model: 'x',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 31, completion_tokens: 1, total_tokens: 32 },
      },
    });
    try {
      const lie = await register(await signRegistration({ base_url: impostor.url }));
      expect(lie).toMatchObject({ status: 403, body: { error: { code: 'host_not_admitted' } } });
      expect(lie.body.error.message).toMatch(
        /tokens under this SKU's tokenizer and chat template; the host counted 31/,
      );
      expect(impostor.requests).toBe(1);
    } finally {
      await impostor.stop();
    }
  });
});
