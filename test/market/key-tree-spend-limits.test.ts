// A key and all its descendants together never spend past any ancestor's limit, under concurrent requests from every
// key of the tree; only a key holding can_create_keys makes sub-keys; a refusal for a limit says what the request
// could cost, what is left and how to fit (lower max_tokens).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNanos, parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { callWithKey, createSubKey } from '../support/key-tree.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fundedBuyer, marketClient, onPostgres, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

/** The keys a key sees, through the SDK (answers parsed by the contract). */
const listKeys = (key: string) => marketClient(market, key).v1.listKeys();

/** The hold of a one-token answer to 'Hi' (prompt × 100 + 1 × 200 nano-units at the catalog's prices). */
async function oneTokenHold(key: string): Promise<bigint> {
  const probe = await postChat(market.url, key, { max_tokens: 1, temperature: 0 });
  const { usage } = (await probe.json()) as { usage: { prompt_tokens: number } };
  return BigInt(usage.prompt_tokens) * 100n + 200n;
}

describe('key tree spend limits', () => {
  it("an agent's children cannot spend past the agent's limit, even all at once", async () => {
    const root = await fundedBuyer(market, '5');
    const hold = await oneTokenHold(root.key);
    const limit = hold * 10n;
    const agent = await createSubKey(market.url, root.key, {
      name: 'agent',
      spend_limit_total: formatNanos(limit),
      can_create_keys: true,
    });
    // Each child asks for no limit of its own: capped at creation to the agent's, and bounded together by it.
    const children = await Promise.all(
      [1, 2, 3].map((n) => createSubKey(market.url, agent.key, { name: `child-${n}` })),
    );
    const tree = [agent, ...children];

    const responses = await Promise.all(
      tree.flatMap((k) =>
        Array.from({ length: 25 }, () =>
          postChat(market.url, k.key, { max_tokens: 1, temperature: 0 }).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { error?: { code: string } },
          })),
        ),
      ),
    );
    const served = responses.filter((r) => r.status === 200).length;
    // Refused for the limit only (a loaded machine's built-in host may fail a request: 502-504, not a refusal).
    for (const refused of responses.filter((r) => r.status !== 200 && r.status < 502))
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'spend_limit_exceeded' } } });
    expect(served).toBeGreaterThanOrEqual(5);

    await market.flushBilling();
    const listed = await listKeys(root.key);
    const spent = tree.reduce(
      (sum, k) => sum + (parseNanos(listed.data.find((l) => l.id === k.id)?.spent_total ?? 'x') as bigint),
      0n,
    );
    expect(spent).toBeGreaterThan(0n);
    expect(spent).toBeLessThanOrEqual(limit);
    // What the agent's limit leaves is shared by its whole subtree.
    const remaining = listed.data.filter((l) => tree.some((k) => k.id === l.id)).map((l) => l.remaining_total);
    expect(new Set(remaining)).toEqual(new Set([formatNanos(limit - spent)]));
  });

  it.skipIf(!onPostgres())('holds across two gateway processes sharing one PostgreSQL', async () => {
    const other = await startTestMarket({
      databaseUrl: market.databaseUrl,
      builtinHosts: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'agora-second-')),
    });
    try {
      const root = await fundedBuyer(market, '5');
      const hold = await oneTokenHold(root.key);
      const limit = hold * 10n;
      const agent = await createSubKey(market.url, root.key, {
        name: 'agent',
        spend_limit_total: formatNanos(limit),
        can_create_keys: true,
      });
      const children = await Promise.all(
        [1, 2, 3].map((n) => createSubKey(market.url, agent.key, { name: `child-${n}` })),
      );
      const tree = [agent, ...children];
      // Every key sends half its requests through each gateway: only the database sees them all.
      const statuses = await Promise.all(
        tree.flatMap((k) =>
          Array.from({ length: 20 }, (_, i) =>
            postChat((i % 2 ? other : market).url, k.key, { max_tokens: 1, temperature: 0 }).then((r) => r.status),
          ),
        ),
      );
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
      expect(statuses.filter((s) => s !== 200 && s !== 403 && s < 502)).toEqual([]);
      await Promise.all([market.flushBilling(), other.flushBilling()]);
      const listed = await listKeys(root.key);
      const spent = tree.reduce(
        (sum, k) => sum + (parseNanos(listed.data.find((l) => l.id === k.id)?.spent_total ?? 'x') as bigint),
        0n,
      );
      expect(spent).toBeLessThanOrEqual(limit);
    } finally {
      await other.stop();
    }
  });

  it('a sub-key creates keys only when it was given can_create_keys, and passes it on only if it holds it', async () => {
    const root = await fundedBuyer(market, '1');
    const plain = await createSubKey(market.url, root.key, { name: 'plain' });
    const refused = await callWithKey(market.url, plain.key, 'POST', '/v1/keys', { name: 'child' });
    expect(refused).toMatchObject({
      status: 403,
      body: { error: { type: 'permission_error', code: 'key_creation_not_allowed' } },
    });

    const manager = await createSubKey(market.url, root.key, { name: 'manager', can_create_keys: true });
    const worker = await createSubKey(market.url, manager.key, { name: 'worker' });
    expect((await callWithKey(market.url, worker.key, 'POST', '/v1/keys', { name: 'x' })).status).toBe(403);
    const listed = await listKeys(root.key);
    const right = (id: string) => listed.data.find((k) => k.id === id)?.can_create_keys;
    expect([right(root.keyId), right(plain.id), right(manager.id), right(worker.id)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('a refusal for a spend limit names the worst case, what is left and the max_tokens that fits', async () => {
    const root = await fundedBuyer(market, '1');
    const hold = await oneTokenHold(root.key);
    // Room for the prompt and 40 completion tokens: less than the model's default max_tokens (128) needs.
    const limit = hold - 200n + 40n * 200n;
    const agent = await createSubKey(market.url, root.key, { name: 'agent', spend_limit_total: formatNanos(limit) });
    const first = await postChat(market.url, agent.key);
    expect(first.status).toBe(403);
    const { error } = (await first.json()) as { error: { message: string; code: string; param: string } };
    expect(error.code).toBe('spend_limit_exceeded');
    expect(error.param).toBe('max_tokens');
    const worstCase = hold - 200n + 128n * 200n;
    expect(error.message).toContain(`max_tokens 128`);
    expect(error.message).toContain(formatNanos(worstCase));
    expect(error.message).toContain(`leave ${formatNanos(limit)}`);
    expect(error.message).toContain('lower max_tokens to 40 or less');
    // Following the advice works.
    expect((await postChat(market.url, agent.key, { max_tokens: 40 })).status).toBe(200);
  });
});
