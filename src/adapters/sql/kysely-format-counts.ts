// Hosts' format scorecards on SQL: judged answers per host, model and outcome, added to by each gateway's tallies.
import type { Kysely } from 'kysely';
import type { FormatTally } from '../../app/v1/format-quality.ts';
import { formatScores, type FormatScore } from '../../domain/formats/format-scorecard.ts';
import type { Schema } from './schema.ts';

/** Adds the tallies, in key order (two gateways adding at once take their row locks in the same order). */
export async function addFormatTallies(db: Kysely<Schema>, tallies: readonly FormatTally[]): Promise<void> {
  if (tallies.length === 0) return;
  const rows = [...tallies]
    .sort(
      (a, b) =>
        a.hostId.localeCompare(b.hostId) || a.modelId.localeCompare(b.modelId) || a.outcome.localeCompare(b.outcome),
    )
    .map((t) => ({ host_id: t.hostId, model_id: t.modelId, outcome: t.outcome, answers: BigInt(t.count) }));
  await db
    .insertInto('host_format_counts')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['host_id', 'model_id', 'outcome']).doUpdateSet((eb) => ({
        answers: eb('host_format_counts.answers', '+', eb.ref('excluded.answers')),
      })),
    )
    .execute();
}

export const formatScoresFrom =
  (db: Kysely<Schema>) =>
  async (hostId: string): Promise<FormatScore[]> => {
    const rows = await db
      .selectFrom('host_format_counts')
      .select(['model_id', 'outcome', 'answers'])
      .where('host_id', '=', hostId)
      .execute();
    return formatScores(rows.map((r) => ({ modelId: r.model_id, outcome: r.outcome, answers: Number(r.answers) })));
  };
