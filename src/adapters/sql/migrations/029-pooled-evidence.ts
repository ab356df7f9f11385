// The pooled verification test (docs/decisions/029-verification-on-gpu-floors.md): each check keeps its mean
// |Δ logprob| of the claimed token beside its mean TV, each host keeps its pooled scores per SKU beside the per-check
// evidence score, and each conviction says which test convicted. Rows from before were judged by the per-check rule.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table verification_checks
      add column mean_abs_logprob_delta double precision not null default 0`.execute(db);
  await sql`
    alter table host_model_trust
      add column pooled_tv_score double precision not null default 0 check (pooled_tv_score >= 0),
      add column pooled_dlp_score double precision not null default 0 check (pooled_dlp_score >= 0)`.execute(db);
  await sql`alter table convictions add column convicted_by text not null default 'per_check'`.execute(db);
}
