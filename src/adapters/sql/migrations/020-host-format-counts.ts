// Format failures on a host's scorecard: per host, model and outcome ('ok' or how the answer broke its requested
// format), the number of judged answers. Counts only: no prompt, answer or tool call is stored.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table host_format_counts (
      host_id text not null references hosts(id),
      model_id text not null,
      outcome text not null,
      answers bigint not null check (answers >= 0),
      primary key (host_id, model_id, outcome)
    )`.execute(db);
}
