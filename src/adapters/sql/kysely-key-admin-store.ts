// Managing API keys on SQL: a key is inserted only while its account has room for another live key (the account row
// is the lock), a revocation takes the key's whole subtree, and a listing carries each key's spend.
import { sql, type Kysely } from 'kysely';
import type { KeyAdminStore, NewKey } from '../../app/admin/key-admin-store.ts';
import type { KeyRole } from '../../app/ports.ts';
import { providerPreferencesWire } from '../../contracts/openai/provider-preferences.ts';
import { toKeyRecord } from './kysely-key-store.ts';
import type { Schema } from './schema.ts';

export function createKyselyKeyAdminStore(db: Kysely<Schema>): KeyAdminStore {
  return {
    async insertKey(key: NewKey, maxLiveKeys: number) {
      return db.transaction().execute(async (trx) => {
        // The account row is the lock (no key update: rows that merely reference the account do not wait on it): two
        // keys created at once cannot both take the last place.
        await trx
          .selectFrom('accounts')
          .select('id')
          .where('id', '=', key.accountId)
          .forNoKeyUpdate()
          .executeTakeFirst();
        const live = await trx
          .selectFrom('api_keys')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('account_id', '=', key.accountId)
          .where('revoked_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (Number(live.n) >= maxLiveKeys) return false;
        await trx
          .insertInto('api_keys')
          .values({
            id: key.id,
            account_id: key.accountId,
            parent_key_id: key.parentKeyId,
            name: key.name,
            prefix: key.prefix,
            hash: key.hash,
            role: key.role,
            can_create_keys: key.canCreateKeys,
            models: key.models,
            spend_limit_total: key.spendLimitTotal,
            spend_limit_daily: key.spendLimitDaily,
            rate_limit_rpm: key.rateLimitRpm,
            rate_limit_tpm: key.rateLimitTpm,
            provider_preferences:
              key.providerPreferences === null
                ? null
                : JSON.stringify(providerPreferencesWire(key.providerPreferences)),
            expires_at: key.expiresAtMs === null ? null : new Date(key.expiresAtMs),
          })
          .execute();
        return true;
      });
    },
    async findKey(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toKeyRecord(row) : undefined;
    },
    async listKeys(filter: { accountId?: string; role?: KeyRole; day?: string }) {
      let q = db
        .selectFrom('api_keys')
        // One query shape with or without a day: without one, the join matches nothing and spentToday is 0.
        .leftJoin('key_daily_spend', (join) =>
          join
            .onRef('key_daily_spend.key_id', '=', 'api_keys.id')
            .on('key_daily_spend.day', '=', filter.day ?? '1970-01-01'),
        )
        .selectAll('api_keys')
        .select('key_daily_spend.spent as spent_today')
        .orderBy('api_keys.created_at')
        .orderBy('api_keys.id');
      if (filter.accountId) q = q.where('api_keys.account_id', '=', filter.accountId);
      if (filter.role) q = q.where('api_keys.role', '=', filter.role);
      return (await q.execute()).map((row) => ({
        ...toKeyRecord(row),
        spentTotal: row.spent_total,
        spentToday: filter.day === undefined ? 0n : (row.spent_today ?? 0n),
      }));
    },
    async revokeKey(id) {
      // The key and every descendant, however deep: a revoked agent's sub-keys stop with it.
      const revoked = await sql<{ id: string }>`
        with recursive subtree(id) as (
          select id from api_keys where id = ${id}
          union all
          select k.id from api_keys k join subtree s on k.parent_key_id = s.id
        )
        update api_keys set revoked_at = now(), updated_at = clock_timestamp()
        where id in (select id from subtree) and revoked_at is null
        returning id`.execute(db);
      return revoked.rows.map((r) => r.id);
    },
    async replaceOperatorKey(key) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('api_keys')
          .set({ revoked_at: sql`now()`, updated_at: sql`clock_timestamp()` })
          .where('role', '=', 'operator')
          .where('revoked_at', 'is', null)
          .execute();
        await trx
          .insertInto('api_keys')
          .values({
            id: key.id,
            account_id: key.accountId,
            parent_key_id: null,
            name: key.name,
            prefix: key.prefix,
            hash: key.hash,
            role: 'operator',
            models: null,
            spend_limit_total: null,
            spend_limit_daily: null,
            expires_at: null,
          })
          .execute();
      });
    },
  };
}
