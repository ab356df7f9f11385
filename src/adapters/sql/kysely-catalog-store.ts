// The catalog on SQL: models with their demand pricing (a new model opens at its base price, openingPricing), and
// the routes of active, unsuspended hosts with their bonds, open disputes and maintenance windows.
import { sql, type Kysely } from 'kysely';
import type { CatalogStore, ModelRecord } from '../../app/v1/catalog-store.ts';
import { modelManifestSchema } from '../../contracts/models/model-manifest.ts';
import { embeddingShapeSchema, modelCapabilitySchema } from '../../contracts/openai/model-capabilities.ts';
import { openingPricing, quotedPrice } from '../../domain/pricing/demand-price.ts';
import { listMaintenanceFrom } from './kysely-host-maintenance-store.ts';
import type { Schema } from './schema.ts';

export function createKyselyCatalogStore(db: Kysely<Schema>): CatalogStore {
  const listMaintenance = listMaintenanceFrom(db);
  return {
    async upsertModel(model: ModelRecord) {
      const values = modelRow(model);
      // A new model starts at its base price with a floor of half of it; a known one keeps its demand price and
      // bounds (the operator changes them through the pricing route).
      const { id, prompt_price: _prompt, completion_price: _completion, ...updates } = values;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('models')
          .values(values)
          .onConflict((oc) => oc.column('id').doUpdateSet(updates))
          .execute();
        const opening = openingPricing({ prompt: model.promptPrice, completion: model.completionPrice });
        await trx
          .insertInto('model_pricing')
          .values({
            model_id: id,
            prompt_floor: opening.floor.prompt,
            completion_floor: opening.floor.completion,
            prompt_precise: opening.precise.prompt,
            completion_precise: opening.precise.completion,
          })
          .onConflict((oc) => oc.column('model_id').doNothing())
          .execute();
      });
    },
    async listModels() {
      const rows = await db
        .selectFrom('models')
        .innerJoin('model_pricing', 'model_pricing.model_id', 'models.id')
        .leftJoin('model_versions', (j) =>
          j.onRef('model_versions.model_id', '=', 'models.id').onRef('model_versions.version', '=', 'models.version'),
        )
        .selectAll('models')
        .select(['model_pricing.prompt_precise', 'model_pricing.completion_precise', 'model_versions.manifest'])
        .where('models.disabled_at', 'is', null)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        contextLength: r.context_length,
        promptPrice: quotedPrice(r.prompt_precise),
        completionPrice: quotedPrice(r.completion_precise),
        basePrice: { prompt: r.prompt_price, completion: r.completion_price },
        defaultMaxTokens: r.default_max_tokens,
        maxTokensCap: r.max_tokens_cap,
        tokenizerDir: r.tokenizer_dir,
        digest: r.digest,
        quantization: r.quantization,
        capabilities: modelCapabilitySchema.array().parse(r.capabilities),
        embedding: r.embedding === null ? null : embeddingShapeSchema.parse(r.embedding),
        classFactors: { cachedPromptBps: r.cached_prompt_price_bps, reasoningBps: r.reasoning_price_bps },
        launch:
          r.version === null || r.manifest === null
            ? null
            : { version: r.version, manifest: modelManifestSchema.parse(r.manifest) },
      }));
    },
    async listRoutes(nowMs) {
      const rows = await db
        .selectFrom('model_hosts')
        .innerJoin('hosts', 'hosts.id', 'model_hosts.host_id')
        // the bond's ledger account id is ledgerAccount.hostBond(hosts.id)
        .leftJoin('ledger_accounts as bond', (j) =>
          j.on('bond.kind', '=', 'host_bond').on('bond.id', '=', sql<string>`'host:' || hosts.id || ':bond'`),
        )
        .select([
          'bond.balance as bond',
          'model_hosts.model_id',
          'model_hosts.upstream_model',
          'model_hosts.ask_prompt',
          'model_hosts.ask_completion',
          'hosts.id',
          'hosts.name',
          'hosts.base_url',
          'hosts.engine_kind',
          'hosts.forward_secret',
          'hosts.public_key',
          'hosts.last_seen_at',
          'hosts.left_at',
          'hosts.max_concurrency',
          'hosts.reputation',
          (eb) =>
            eb
              .exists(
                eb
                  .selectFrom('disputes')
                  .select('disputes.id')
                  .whereRef('disputes.host_id', '=', 'hosts.id')
                  .whereRef('disputes.model_id', '=', 'model_hosts.model_id')
                  .where('disputes.status', '=', 'open'),
              )
              .as('under_dispute'),
        ])
        .where('hosts.status', '=', 'active')
        .where('hosts.suspended_at', 'is', null)
        .orderBy('hosts.id')
        .execute();
      const windows = await listMaintenance(nowMs);
      return rows.map((r) => ({
        modelId: r.model_id,
        upstreamModel: r.upstream_model,
        ask:
          r.ask_prompt === null || r.ask_completion === null
            ? null
            : { prompt: r.ask_prompt, completion: r.ask_completion },
        host: {
          id: r.id,
          name: r.name,
          baseUrl: r.base_url,
          engineKind: r.engine_kind,
          forwardSecret: r.forward_secret,
          publicKey: r.public_key,
          lastSeenAtMs: r.last_seen_at?.getTime() ?? null,
          leftAtMs: r.left_at?.getTime() ?? null,
          maxConcurrency: r.max_concurrency,
          maintenance: windows.filter((w) => w.hostId === r.id),
          reputation: r.reputation,
          underDispute: Boolean(r.under_dispute),
          bond: r.bond ?? 0n,
        },
      }));
    },
  };
}

/** A model's row in `models`, as both the catalog and a launched model's promotion write it. */
export function modelRow(model: ModelRecord) {
  return {
    id: model.id,
    name: model.name,
    context_length: model.contextLength,
    prompt_price: model.promptPrice,
    completion_price: model.completionPrice,
    default_max_tokens: model.defaultMaxTokens,
    max_tokens_cap: model.maxTokensCap,
    tokenizer_dir: model.tokenizerDir,
    digest: model.digest,
    quantization: model.quantization,
    capabilities: JSON.stringify(model.capabilities ?? ['chat']),
    embedding: model.embedding ? JSON.stringify(model.embedding) : null,
    ...(model.classFactors && {
      cached_prompt_price_bps: model.classFactors.cachedPromptBps,
      reasoning_price_bps: model.classFactors.reasoningBps,
    }),
  };
}
