// A host agent that stops says so (`POST /hosts/me/leave`): it leaves the routes at once instead of being sent
// requests until three heartbeats were missed. A heartbeat or registration after that brings it back.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table hosts add column left_at timestamptz`.execute(db);
}
