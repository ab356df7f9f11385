// Each host's pooled seed-agreement score per SKU (decision 031): a CUSUM of the per-position likelihood ratio of
// its seeded draws' mismatches, carried from check to check; reset with the evidence score by a conviction.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table host_model_trust add column seed_evidence double precision not null default 0`.execute(db);
}
