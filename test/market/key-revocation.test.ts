// Revoking a key: refused at once by the instance that revoked it, and — two gateway instances on one PostgreSQL —
// within a second by the other, which had the key cached.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
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

  it.skipIf(!onPostgres())('is refused within 1 s on another gateway instance sharing the database', async () => {
    const other = await startTestMarket({ databaseUrl: market.databaseUrl, builtinHosts: 0, dataDir: mkdtempSync(join(tmpdir(), 'agora-second-')) });
    try {
      const buyer = await fundedBuyer(market, '1');
      expect((await chat(other, buyer.key)).status).toBe(200);
      expect((await admin(market, 'POST', `/admin/keys/${buyer.keyId}/revoke`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await chat(other, buyer.key)).status).toBe(403);
      expect((await chat(market, buyer.key)).status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});
