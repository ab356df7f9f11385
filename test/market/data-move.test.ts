// Moving a market's data: a backup of an embedded (PGlite) market restores into a new data directory, or — on the
// PostgreSQL run — into an empty PostgreSQL database, with every balance, key, usage record and stored response intact, and the
// same built-in hosts (their identity keys travel in the backup); a damaged or truncated backup, or a target
// already in use, is refused with nothing written.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { backupMarket, restoreMarket, RestoreRefused } from '../../src/main/offline-database.ts';
import { postChat } from '../support/chat-request.ts';
import {
  admin,
  freshPostgresDatabase,
  fundedBuyer,
  onPostgres,
  startTestMarket,
  type TestMarket,
} from '../support/test-market.ts';

const root = mkdtempSync(join(tmpdir(), 'agora-move-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const quiet = () => undefined;

const chat = (market: TestMarket, key: string) => postChat(market.url, key, { max_tokens: 16 });

async function snapshot(market: TestMarket, key: string, responseId: string) {
  const get = async (path: string, auth: string) =>
    (await (await fetch(`${market.url}${path}`, { headers: { authorization: `Bearer ${auth}` } })).json()) as unknown;
  return {
    credits: await get('/v1/credits', key),
    usage: await get('/v1/usage', key),
    storedResponse: await get(`/v1/responses/${responseId}`, key),
    accounts: await get('/admin/accounts', market.operatorKey),
    keys: await get('/admin/keys', market.operatorKey),
    // every ledger account, the built-in host's earnings among them (it comes back as the same host)
    ledger: await get('/admin/ledger/check', market.operatorKey),
    hosts: await get('/admin/hosts', market.operatorKey).then((list) =>
      (list as { data: Array<{ id: string }> }).data.map((h) => h.id),
    ),
    // only live hosts count: the restored market's host is its old identity, not a second one beside it
    servingHosts: await get('/v1/models/agora-tiny', key).then((card) => (card as { hosts: number }).hosts),
  };
}

// Slow end-to-end cases: each starts up to three markets with a built-in host (an engine each) one after another.
describe(
  `moving an embedded market's data to ${onPostgres() ? 'PostgreSQL' : 'a new data directory'}`,
  { timeout: 180_000 },
  () => {
    it('restores every balance, key, sub-key and usage record, and the restored market keeps serving', async () => {
      const source = await startTestMarket({ dataDir: join(root, 'source'), databaseUrl: undefined });
      const buyer = await fundedBuyer(source, '3');
      const sub = (await (
        await fetch(`${source.url}/v1/keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'agent', spend_limit_total: '1' }),
        })
      ).json()) as { key: string };
      for (const key of [buyer.key, sub.key, buyer.key]) expect((await chat(source, key)).status).toBe(200);
      const stored = (await (
        await fetch(`${source.url}/v1/responses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'agora-tiny', input: 'Hi', max_output_tokens: 4, store: true }),
        })
      ).json()) as { id: string };
      await source.flushBilling();
      await source.close();
      // The source is stopped: its leases are back, so the snapshot below is what a restore must reproduce.
      const reopenedSource = await startTestMarket({ dataDir: join(root, 'source'), databaseUrl: undefined });
      const before = await snapshot(reopenedSource, buyer.key, stored.id);
      await reopenedSource.close();

      const backup = join(root, 'market.backup');
      const { rows } = await backupMarket({ dataDir: join(root, 'source') }, backup, quiet);
      const target = {
        dataDir: join(root, 'target'),
        databaseUrl: onPostgres() ? await freshPostgresDatabase() : undefined,
      };
      expect((await restoreMarket(target, backup, quiet)).rows).toBe(rows);

      const hostKey = join(target.dataDir, 'hosts', 'host-1', 'host.key');
      expect(readFileSync(hostKey, 'utf8')).toBe(
        readFileSync(join(root, 'source', 'hosts', 'host-1', 'host.key'), 'utf8'),
      );
      expect(statSync(hostKey).mode & 0o777).toBe(0o600);

      const restored = await startTestMarket(target);
      expect(restored.operatorKey).toBe(reopenedSource.operatorKey);
      expect(restored.hosts.map((h) => h.hostId)).toEqual(reopenedSource.hosts.map((h) => h.hostId));
      expect(await snapshot(restored, buyer.key, stored.id)).toEqual(before);
      expect(before.storedResponse).toMatchObject({ id: stored.id, store: true });
      expect(before.servingHosts).toBe(1);
      expect((await chat(restored, sub.key)).status).toBe(200);
      await restored.flushBilling();
      expect((await admin(restored, 'GET', '/admin/ledger/check')).body).toMatchObject({ ok: true });
      await restored.stop();

      await expect(restoreMarket(target, backup, quiet)).rejects.toThrow(/already in use/);
    });

    it('refuses a truncated backup and a file that is not a backup, leaving the target empty', async () => {
      const market = await startTestMarket({ dataDir: join(root, 'small'), databaseUrl: undefined });
      await fundedBuyer(market, '1');
      await market.close();
      const backup = join(root, 'small.backup');
      await backupMarket({ dataDir: join(root, 'small') }, backup, quiet);
      const lines = gunzipSync(readFileSync(backup)).toString().trimEnd().split('\n');
      writeFileSync(join(root, 'truncated.backup'), gzipSync(lines.slice(0, -3).join('\n')));
      writeFileSync(join(root, 'other.backup'), gzipSync('{"hello":"world"}\n'));

      const target = {
        dataDir: join(root, 'refused'),
        databaseUrl: onPostgres() ? await freshPostgresDatabase() : undefined,
      };
      await expect(restoreMarket(target, join(root, 'truncated.backup'), quiet)).rejects.toThrow(RestoreRefused);
      await expect(restoreMarket(target, join(root, 'other.backup'), quiet)).rejects.toThrow(/not an Agora backup/);
      // the header, the end line, and the operator, demo and built-in host keys
      expect((await restoreMarket(target, backup, quiet)).rows).toBe(lines.length - 2 - 3);
    });
  },
);
