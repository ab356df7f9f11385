// Model versions on SQL: manifests and tokenizer files per version, the live one marked `active` (a partial unique
// index keeps it to one per model), probe runs, and a model's disabled flag. Promotion is one transaction: the
// version, the model's row and — when its base prices change — its demand pricing, which opens again at them.
import type { Kysely } from 'kysely';
import type { ModelVersionStore } from '../../app/models/model-version-store.ts';
import {
  modelManifestSchema,
  type ModelManifest,
  type ModelManifestWire,
} from '../../contracts/models/model-manifest.ts';
import { formatNanos } from '../../domain/money/nanos.ts';
import { modelRow } from './kysely-catalog-store.ts';
import { openingPricing } from '../../domain/pricing/demand-price.ts';
import type { Schema } from './schema.ts';

/** The manifest as the API took it: amounts back to decimal strings (jsonb has no bigint). */
function manifestWire(manifest: ModelManifest): ModelManifestWire {
  const { prompt, completion, cached_prompt: cached, reasoning } = manifest.prices;
  return {
    ...manifest,
    prices: {
      prompt: formatNanos(prompt),
      completion: formatNanos(completion),
      ...(cached === undefined ? {} : { cached_prompt: formatNanos(cached) }),
      ...(reasoning === undefined ? {} : { reasoning: formatNanos(reasoning) }),
    },
  };
}

export function createKyselyModelVersionStore(db: Kysely<Schema>): ModelVersionStore {
  return {
    async findManagedModel(modelId) {
      const row = await db
        .selectFrom('models')
        .select(['id', 'version', 'disabled_at'])
        .where('id', '=', modelId)
        .executeTakeFirst();
      return row && { id: row.id, version: row.version, disabledAtMs: row.disabled_at?.getTime() ?? null };
    },
    async listManagedModels() {
      const rows = await db
        .selectFrom('models')
        .select(['id', 'name', 'version', 'disabled_at'])
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        version: r.version,
        disabledAtMs: r.disabled_at?.getTime() ?? null,
      }));
    },
    async addVersion(modelId, manifest, tokenizer) {
      return db.transaction().execute(async (trx) => {
        // Versions of one model are numbered in order: the lock serialises two launches of the same id.
        await trx.selectFrom('models').select('id').where('id', '=', modelId).forUpdate().execute();
        const last = await trx
          .selectFrom('model_versions')
          .select((eb) => eb.fn.max('version').as('last'))
          .where('model_id', '=', modelId)
          .executeTakeFirst();
        const version = Number(last?.last ?? 0) + 1;
        await trx
          .insertInto('model_versions')
          .values({
            model_id: modelId,
            version,
            manifest: JSON.stringify(manifestWire(manifest)),
            tokenizer_json: tokenizer.json,
            tokenizer_config: tokenizer.config,
            status: 'pending',
          })
          .execute();
        return version;
      });
    },
    async listVersions(modelId) {
      let query = db
        .selectFrom('model_versions')
        .select(['model_id', 'version', 'manifest', 'status', 'created_at', 'promoted_at'])
        .orderBy('model_id')
        .orderBy('version');
      if (modelId !== undefined) query = query.where('model_id', '=', modelId);
      return (await query.execute()).map((r) => ({
        modelId: r.model_id,
        version: r.version,
        manifest: modelManifestSchema.parse(r.manifest),
        status: r.status,
        createdAtMs: r.created_at.getTime(),
        promotedAtMs: r.promoted_at?.getTime() ?? null,
      }));
    },
    async tokenizerFiles(modelId, version) {
      const row = await db
        .selectFrom('model_versions')
        .select(['tokenizer_json', 'tokenizer_config'])
        .where('model_id', '=', modelId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row && { json: row.tokenizer_json, config: row.tokenizer_config };
    },
    async setVersionStatus(modelId, version, status) {
      await db
        .updateTable('model_versions')
        .set({ status })
        .where('model_id', '=', modelId)
        .where('version', '=', version)
        .execute();
    },
    async promoteVersion(model, version, retired, nowMs) {
      await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('models')
          .select(['prompt_price', 'completion_price'])
          .where('id', '=', model.id)
          .forUpdate()
          .executeTakeFirst();
        await trx
          .updateTable('model_versions')
          .set({ status: retired })
          .where('model_id', '=', model.id)
          .where('status', '=', 'active')
          .execute();
        await trx
          .updateTable('model_versions')
          .set({ status: 'active', promoted_at: new Date(nowMs) })
          .where('model_id', '=', model.id)
          .where('version', '=', version)
          .execute();
        const values = { ...modelRow(model), version };
        const { id: _id, ...updates } = values;
        await trx
          .insertInto('models')
          .values(values)
          .onConflict((oc) => oc.column('id').doUpdateSet(updates))
          .execute();
        if (current?.prompt_price === model.promptPrice && current.completion_price === model.completionPrice) return;
        const opening = openingPricing({ prompt: model.promptPrice, completion: model.completionPrice });
        const pricing = {
          prompt_floor: opening.floor.prompt,
          completion_floor: opening.floor.completion,
          prompt_precise: opening.precise.prompt,
          completion_precise: opening.precise.completion,
        };
        await trx
          .insertInto('model_pricing')
          .values({ model_id: model.id, ...pricing })
          .onConflict((oc) => oc.column('model_id').doUpdateSet(pricing))
          .execute();
      });
    },
    async recordProbeRuns(runs) {
      if (runs.length === 0) return;
      await db
        .insertInto('probe_runs')
        .values(
          runs.map((r) => ({
            id: r.id,
            model_id: r.modelId,
            version: r.version,
            host_id: r.hostId,
            passed: r.passed,
            distances: JSON.stringify(r.distances),
            reason: r.reason,
          })),
        )
        .execute();
    },
    async setDisabled(modelId, disabledAtMs) {
      const result = await db
        .updateTable('models')
        .set({ disabled_at: disabledAtMs === null ? null : new Date(disabledAtMs) })
        .where('id', '=', modelId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
