// An account holds a bounded number of keys that are not revoked, so no agent can grow its tree without end (and
// every budget lease, which reads the account's keys, stays cheap). Real store on the test database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  issueKey,
  issueSubKey,
  revokeKey,
  unlimitedKey,
  type AccountAdminDeps,
} from '../../src/app/admin/account-admin.ts';
import { createKyselyMarketStore } from '../../src/adapters/sql/kysely-market-store.ts';
import { openDatabase, type Database } from '../../src/adapters/sql/open-database.ts';
import { freshPostgresDatabase, onPostgres } from '../support/test-market.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase(onPostgres() ? { url: await freshPostgresDatabase() } : { dataDir: 'memory://' });
});
afterAll(() => database.close());

describe('keys per account', () => {
  it('refuses a key past the bound, counting only keys not revoked, even when created all at once', async () => {
    let n = 0;
    const deps: AccountAdminDeps = {
      store: createKyselyMarketStore(database.db),
      ids: { newId: (p) => `${p}_${++n}`, newSecret: () => `${String(++n).padStart(6, '0')}secret` },
      revoked: () => undefined,
      maxLiveKeys: 4,
    };
    const account = await createAccount(deps, 'fleet');
    const root = await issueKey(deps, account, 'buyer', unlimitedKey('root'));
    const agent = await issueSubKey(deps, root.record, { ...unlimitedKey('agent'), canCreateKeys: true });
    // Two places are left; five agents' children asked for at once take exactly those two.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => issueSubKey(deps, agent.record, unlimitedKey(`child-${i}`))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    for (const o of outcomes.filter((o) => o.status === 'rejected'))
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'too_many_keys' });
    await revokeKey(deps, agent.record.id, root.record);
    // The agent and its two children are revoked: three places again.
    await expect(issueSubKey(deps, root.record, unlimitedKey('next'))).resolves.toMatchObject({
      record: { name: 'next' },
    });
  });
});
