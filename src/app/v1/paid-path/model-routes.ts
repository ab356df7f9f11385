// Admit, first part: the routes a request may use. The model (and its pinned quantization) exists and the key may
// use it; it is verified if the buyer requires it; the buyer's provider preferences pass (and, when asked, its engine
// samples verifiably); the host's ask is within the model's ceiling; its engine supports
// the request's parameters. Price is decided later, among the hosts that can take the request now (price-lock.ts).
import { firstUnsupportedParameter } from '../../../domain/engines/engine-capabilities.ts';
import { isPricedOut } from '../../../domain/pricing/host-asks.ts';
import { isVerified } from '../catalog-store.ts';
import type { CatalogModel, MarketCatalog, ModelRoute } from '../market-catalog.ts';
import {
  capabilityMismatch,
  dimensionsRefused,
  everyHostPricedOut,
  modelNotAllowed,
  modelNotFound,
  modelUnverified,
  noHostMatchesPreferences,
  noHostServing,
  noVerifiableSamplingHost,
  quantizationExcluded,
  skuNotFound,
  schemaOutsideGrammar,
  unsupportedParameter,
} from './admit-refusals.ts';
import { requestSchemas } from '../tool-request.ts';
import { toGrammarSchema } from '../../../domain/tools/grammar-schema.ts';
import type { ChatCompletionRequest } from '../../../contracts/openai/completion-request.ts';
import { preferencesOf, type PaidInput } from './paid-request.ts';

/** A buyer may pin the SKU's quantization: `model@quant`. */
function parseModelName(name: string): { id: string; quantization: string | undefined } {
  const at = name.lastIndexOf('@');
  return at <= 0 ? { id: name, quantization: undefined } : { id: name.slice(0, at), quantization: name.slice(at + 1) };
}

export function modelRoutes(catalog: MarketCatalog, input: PaidInput): { model: CatalogModel; routes: ModelRoute[] } {
  const wanted = parseModelName(input.body.model);
  const model = catalog.get(wanted.id);
  if (!model) throw modelNotFound(wanted.id);
  if (wanted.quantization !== undefined && wanted.quantization !== model.quantization)
    throw skuNotFound(model, wanted.quantization);
  const needed = input.kind === 'embeddings' ? 'embeddings' : 'chat';
  if (!model.capabilities.includes(needed)) throw capabilityMismatch(model, needed);
  const dimensions = input.kind === 'embeddings' ? input.body.dimensions : undefined;
  if (dimensions !== undefined && !(model.embedding?.shortenable && dimensions <= model.embedding.dimensions))
    throw dimensionsRefused(model);
  if (input.key.models && !input.key.models.includes(model.id)) throw modelNotAllowed(model.id);
  const preferences = preferencesOf(input);
  if (preferences.require_verified && !isVerified(model)) throw modelUnverified(model.id);
  if (model.routes.length === 0) throw noHostServing(model.id);
  if (preferences.quantizations && !preferences.quantizations.includes(model.quantization))
    throw quantizationExcluded(model);
  const withinCeiling = model.routes.filter((r) => !isPricedOut(r.ask, model.ceiling));
  if (withinCeiling.length === 0) throw everyHostPricedOut(model);
  const preferred = withinCeiling.filter(
    (r) => (!preferences.only || preferences.only.includes(r.host.id)) && !preferences.ignore?.includes(r.host.id),
  );
  if (preferred.length === 0) throw noHostMatchesPreferences(model.id);
  const sampling = preferences.verifiable_sampling
    ? preferred.filter((r) => r.capabilities.canonicalSampler)
    : preferred;
  if (sampling.length === 0) throw noVerifiableSamplingHost(model.id);
  const routes = sampling.filter((r) => firstUnsupportedParameter(r.capabilities, input.body) === undefined);
  if (routes.length === 0)
    throw unsupportedParameter(
      model.id,
      firstUnsupportedParameter((sampling[0] as ModelRoute).capabilities, input.body) ?? null,
    );
  const outsideGrammar = input.kind === 'chat' ? firstSchemaOutsideGrammar(input.body) : undefined;
  if (!outsideGrammar) return { model, routes };
  const unconstrained = routes.filter((r) => !r.capabilities.grammarSchemaSubset);
  if (unconstrained.length === 0) throw schemaOutsideGrammar(model.id, outsideGrammar);
  return { model, routes: unconstrained };
}

/** The first JSON Schema of the request that a grammar-decoding engine cannot enforce, and why. */
function firstSchemaOutsideGrammar(body: ChatCompletionRequest): { param: string; message: string } | undefined {
  for (const { param, schema } of requestSchemas(body)) {
    const grammar = toGrammarSchema(schema);
    if (!grammar.ok) return { param, message: grammar.message };
  }
  return undefined;
}
