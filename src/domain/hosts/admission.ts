// Which of a host's declared models the market admits on its word alone, before the probe: the exact SKU
// (model id, weights digest, quantization) must be one the catalog sells, and a signed registration must be fresh.

export type Sku = { model: string; digest: string; quantization: string };
export type DeclaredModel = Sku & { contextLength: number };
export type CatalogSku = Sku & { contextLength: number };

/** How far a registration's signing time may be from the market's clock (a replay a few minutes old is refused). */
export const REGISTRATION_FRESHNESS_MS = 5 * 60_000;

export type Admission = { admitted: DeclaredModel[]; refused: Array<{ model: string; reason: string }> };

export const isFresh = (signedAtMs: number, nowMs: number): boolean =>
  Math.abs(nowMs - signedAtMs) <= REGISTRATION_FRESHNESS_MS;

export function admitDeclaredModels(declared: readonly DeclaredModel[], catalog: readonly CatalogSku[]): Admission {
  const admission: Admission = { admitted: [], refused: [] };
  for (const model of declared) {
    const sold = catalog.find((c) => c.model === model.model);
    if (!sold) admission.refused.push({ model: model.model, reason: 'the market does not sell this model' });
    else if (sold.digest !== model.digest || sold.quantization !== model.quantization) {
      admission.refused.push({
        model: model.model,
        reason: `the market sells ${sold.digest} (${sold.quantization}), not ${model.digest} (${model.quantization})`,
      });
    } else if (model.contextLength < sold.contextLength) {
      admission.refused.push({
        model: model.model,
        reason: `a context of ${model.contextLength} is below the SKU's ${sold.contextLength}`,
      });
    } else admission.admitted.push(model);
  }
  return admission;
}
