// The market's shared settings on SQL: one row per key.
import type { Kysely } from 'kysely';
import type { SettingsStore } from '../../app/settings-store.ts';
import type { Schema } from './schema.ts';

export function createKyselySettingsStore(db: Kysely<Schema>): SettingsStore {
  return {
    async getSetting(key) {
      return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
    },
    async setSetting(key, value) {
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}
