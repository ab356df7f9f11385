// Revoking a key: refused at once by the instance that revoked it, and — two gateway instances on one PostgreSQL —
// within a second by the other, which had the key cached.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { callWithKey, createSubKey } from '../support/key-tree.ts';
import { createManualTime } from '../support/manual-time.ts';
import { admin, fundedBuyer, onPostgres, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

const chat = (instance: TestMarket, key: string) => postChat(instance.url, key, { max_tokens: 2 });

describe('key revocation', () => {
  it('is refused at once on the instance that revoked it', async () => {
    const buyer = await fundedBuyer(market, '1');
    expect((await chat(market, buyer.key)).status).toBe(200);
    expect((await admin(market, 'POST', `/admin/keys/${buyer.keyId}/revoke`)).status).toBe(200);
    const refused = await chat(market, buyer.key);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { type: 'permission_error' } });
  });

  it('takes the whole subtree with it, however deep, at once', async () => {
    const buyer = await fundedBuyer(market, '1');
    const agent = await createSubKey(market.url, buyer.key, { name: 'agent', can_create_keys: true });
    const child = await createSubKey(market.url, agent.key, { name: 'child', can_create_keys: true });
    const grandchild = await createSubKey(market.url, child.key, { name: 'grandchild' });
    // Cached by the authenticator: the revocation must reach the cache, not only the database.
    expect((await chat(market, grandchild.key)).status).toBe(200);
    expect((await callWithKey(market.url, buyer.key, 'POST', `/v1/keys/${agent.id}/revoke`)).status).toBe(200);
    for (const key of [agent.key, child.key, grandchild.key]) expect((await chat(market, key)).status).toBe(403);
    expect((await chat(market, buyer.key)).status).toBe(200);
  });

  it.skipIf(!onPostgres())('is refused within 1 s on another gateway instance sharing the database', async () => {
    const time = createManualTime();
    const other = await startTestMarket({
      databaseUrl: market.databaseUrl,
      builtinHosts: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'agora-second-')),
      time,
    });
    try {
      const buyer = await fundedBuyer(market, '1');
      expect((await chat(other, buyer.key)).status).toBe(200);
      expect((await admin(market, 'POST', `/admin/keys/${buyer.keyId}/revoke`)).status).toBe(200);
      // A second of the other instance's time: its key refresh runs on the way.
      await time.advance(1_000);
      expect((await chat(other, buyer.key)).status).toBe(403);
      expect((await chat(market, buyer.key)).status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});
