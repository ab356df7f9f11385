// Key trees: whether a key may create sub-keys (root keys may; a sub-key only when its parent handed the right on),
// and an index to walk a key's descendants (subtree spend limits, revocation of a whole subtree).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column can_create_keys boolean not null default false`.execute(db);
  await sql`update api_keys set can_create_keys = true where parent_key_id is null and role = 'buyer'`.execute(db);
  await sql`create index api_keys_parent on api_keys (parent_key_id) where parent_key_id is not null`.execute(db);
}
