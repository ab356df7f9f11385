// API keys on SQL: looked up by hash (the raw key is never stored), and read back when changed so every gateway
// instance sees a revocation within its refresh interval.
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyRecord, KeyStore } from '../../app/ports.ts';
import { providerPreferencesSchema } from '../../contracts/openai/provider-preferences.ts';
import type { Schema } from './schema.ts';

export function toKeyRecord(row: Selectable<Schema['api_keys']>): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    parentKeyId: row.parent_key_id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    canCreateKeys: row.can_create_keys,
    models: row.models,
    spendLimitTotal: row.spend_limit_total,
    spendLimitDaily: row.spend_limit_daily,
    rateLimitRpm: row.rate_limit_rpm,
    rateLimitTpm: row.rate_limit_tpm,
    providerPreferences:
      row.provider_preferences === null ? null : providerPreferencesSchema.parse(row.provider_preferences),
    expiresAtMs: row.expires_at?.getTime() ?? null,
    revokedAtMs: row.revoked_at?.getTime() ?? null,
    updatedAtMs: row.updated_at.getTime(),
  };
}

export function createKyselyKeyStore(db: Kysely<Schema>): KeyStore {
  return {
    async findByHash(hash) {
      const row = await db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? toKeyRecord(row) : undefined;
    },
    async changedSince(updatedAtMs) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('updated_at', '>', new Date(updatedAtMs))
        .execute();
      return rows.map((row) => ({ ...toKeyRecord(row), hash: row.hash }));
    },
  };
}
