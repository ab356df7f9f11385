// Verification profiles per (SKU, engine kind, hardware class), measured by `agora verify calibrate` (or shipped,
// measured, with the built-in engine) and loaded by the verifier; each host's declared hardware class, and whether
// its probed speed contradicted it (then it is judged by its SKU's strictest profile).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table verification_profiles (
    model_id text not null,
    engine_kind text not null,
    hardware_class text not null,
    profile jsonb not null,
    calibration jsonb not null,
    measured_at text not null,
    decode_tokens_per_second double precision,
    installed_at timestamptz not null default now(),
    primary key (model_id, engine_kind, hardware_class)
  )`.execute(db);
  await sql`alter table hosts add column hardware_class text not null default 'cpu'`.execute(db);
  await sql`alter table hosts add column hardware_class_doubt text`.execute(db);
}
