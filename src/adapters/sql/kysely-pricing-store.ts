// Demand prices on SQL. Busy time is added with one atomic update per model, so every gateway instance's share
// counts; a repricing locks the rows it reprices (SKIP LOCKED: an instance never waits on another's interval).
import { sql, type Kysely } from 'kysely';
import type { ModelPricing, PricePoint, PricingStore } from '../../app/pricing/pricing-store.ts';
import { ceilingPrice, quotedPrice, steppedPrice } from '../../domain/pricing/demand-price.ts';
import type { Schema } from './schema.ts';

type PricingRow = {
  model_id: string;
  prompt_price: bigint;
  completion_price: bigint;
  prompt_floor: bigint;
  completion_floor: bigint;
  cached_prompt_price_bps: number;
  reasoning_price_bps: number;
  prompt_precise: bigint;
  completion_precise: bigint;
  busy_ms: bigint;
  utilization: number | null;
  updated_at: Date;
  next_update_at: Date;
};

const toPricing = (r: PricingRow): ModelPricing => ({
  modelId: r.model_id,
  base: { prompt: r.prompt_price, completion: r.completion_price },
  floor: { prompt: r.prompt_floor, completion: r.completion_floor },
  classFactors: { cachedPromptBps: r.cached_prompt_price_bps, reasoningBps: r.reasoning_price_bps },
  precise: { prompt: r.prompt_precise, completion: r.completion_precise },
  utilization: r.utilization,
  updatedAtMs: r.updated_at.getTime(),
  nextUpdateAtMs: r.next_update_at.getTime(),
});

const toPoint = (r: {
  model_id: string;
  at: Date;
  prompt_price: bigint;
  completion_price: bigint;
  utilization: number;
}): PricePoint => ({
  modelId: r.model_id,
  atMs: r.at.getTime(),
  prompt: r.prompt_price,
  completion: r.completion_price,
  utilization: r.utilization,
});

export function createKyselyPricingStore(db: Kysely<Schema>): PricingStore {
  const pricingRows = (q: Kysely<Schema>) =>
    q
      .selectFrom('model_pricing')
      .innerJoin('models', 'models.id', 'model_pricing.model_id')
      .select([
        'model_pricing.model_id',
        'models.prompt_price',
        'models.completion_price',
        'models.cached_prompt_price_bps',
        'models.reasoning_price_bps',
        'model_pricing.prompt_floor',
        'model_pricing.completion_floor',
        'model_pricing.prompt_precise',
        'model_pricing.completion_precise',
        'model_pricing.busy_ms',
        'model_pricing.utilization',
        'model_pricing.updated_at',
        'model_pricing.next_update_at',
      ]);
  return {
    async addBusyTime(busyMs) {
      for (const [modelId, ms] of busyMs) {
        await db
          .updateTable('model_pricing')
          .set({ busy_ms: sql`busy_ms + ${BigInt(Math.round(ms))}` })
          .where('model_id', '=', modelId)
          .execute();
      }
    },
    async repriceDue(nowMs, nextUpdateAtMs, reprice) {
      return db.transaction().execute(async (trx) => {
        const due = await pricingRows(trx)
          .where('model_pricing.next_update_at', '<=', new Date(nowMs))
          .forUpdate('model_pricing')
          .skipLocked()
          .execute();
        const points: PricePoint[] = [];
        for (const row of due) {
          const next = reprice({ ...toPricing(row), busyMs: Number(row.busy_ms) });
          const at = new Date(nowMs);
          await trx
            .updateTable('model_pricing')
            .set({
              prompt_precise: next.precise.prompt,
              completion_precise: next.precise.completion,
              busy_ms: 0n,
              utilization: next.utilization,
              updated_at: at,
              next_update_at: new Date(nextUpdateAtMs),
            })
            .where('model_id', '=', row.model_id)
            .execute();
          const point = {
            model_id: row.model_id,
            at,
            prompt_price: quotedPrice(next.precise.prompt),
            completion_price: quotedPrice(next.precise.completion),
            utilization: next.utilization,
          };
          await trx.insertInto('price_history').values(point).execute();
          points.push(toPoint(point));
        }
        const next = await trx
          .selectFrom('model_pricing')
          .select((eb) => eb.fn.min('next_update_at').as('at'))
          .executeTakeFirst();
        return { points, nextDueAtMs: next?.at ? new Date(next.at).getTime() : nextUpdateAtMs };
      });
    },
    async openOverdueWindows(nowMs, intervalMs) {
      await db
        .updateTable('model_pricing')
        .set({ busy_ms: 0n, updated_at: new Date(nowMs), next_update_at: new Date(nowMs + intervalMs) })
        .where('next_update_at', '<=', new Date(nowMs - intervalMs))
        .execute();
    },
    async listPricing() {
      return (await pricingRows(db).orderBy('model_pricing.model_id').execute()).map(toPricing);
    },
    async priceHistory(modelId, limit) {
      const rows = await db
        .selectFrom('price_history')
        .selectAll()
        .where('model_id', '=', modelId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toPoint);
    },
    async setBounds(modelId, bounds, ceilingMultiple) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('model_pricing')
          .selectAll()
          .where('model_id', '=', modelId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return false;
        const clamp = (precise: bigint, side: 'prompt' | 'completion') =>
          steppedPrice(precise, 0, bounds.floor[side], ceilingPrice(bounds.base[side], ceilingMultiple));
        await trx
          .updateTable('models')
          .set({ prompt_price: bounds.base.prompt, completion_price: bounds.base.completion })
          .where('id', '=', modelId)
          .execute();
        await trx
          .updateTable('model_pricing')
          .set({
            prompt_floor: bounds.floor.prompt,
            completion_floor: bounds.floor.completion,
            prompt_precise: clamp(row.prompt_precise, 'prompt'),
            completion_precise: clamp(row.completion_precise, 'completion'),
          })
          .where('model_id', '=', modelId)
          .execute();
        return true;
      });
    },
  };
}
