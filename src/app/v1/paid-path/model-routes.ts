// Admit, first part: the routes a request may use. The model (and its pinned quantization) exists and the key may
// use it; the buyer's provider preferences pass; the host's ask is within the model's ceiling; its engine supports
// the request's parameters. Price is decided later, among the hosts that can take the request now (price-lock.ts).
import { ApiError, invalidRequest } from '../../../contracts/openai/error-envelope.ts';
import { firstUnsupportedParameter } from '../../../domain/engines/engine-capabilities.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { isPricedOut } from '../../../domain/pricing/host-asks.ts';
import type { CatalogModel, MarketCatalog, ModelRoute } from '../market-catalog.ts';
import { preferencesOf, type CompletionInput } from './paid-request.ts';

/** A buyer may pin the SKU's quantization: `model@quant`. */
function parseModelName(name: string): { id: string; quantization: string | undefined } {
  const at = name.lastIndexOf('@');
  return at <= 0 ? { id: name, quantization: undefined } : { id: name.slice(0, at), quantization: name.slice(at + 1) };
}

export function modelRoutes(
  catalog: MarketCatalog,
  input: CompletionInput,
): { model: CatalogModel; routes: ModelRoute[] } {
  const wanted = parseModelName(input.body.model);
  const model = catalog.get(wanted.id);
  if (!model)
    throw new ApiError(404, 'not_found_error', `The model '${wanted.id}' does not exist.`, 'model_not_found', 'model');
  if (wanted.quantization !== undefined && wanted.quantization !== model.quantization) {
    throw new ApiError(
      404,
      'not_found_error',
      `The model '${model.id}' is sold as ${model.quantization}, not ${wanted.quantization}.`,
      'sku_not_found',
      'model',
    );
  }
  if (input.key.models && !input.key.models.includes(model.id)) {
    throw new ApiError(
      403,
      'permission_error',
      `This key may not use the model '${model.id}'.`,
      'model_not_allowed',
      'model',
    );
  }
  if (model.routes.length === 0)
    throw new ApiError(503, 'service_unavailable', `No host is serving '${model.id}' right now.`, 'no_host_available');
  const preferences = preferencesOf(input);
  if (preferences.quantizations && !preferences.quantizations.includes(model.quantization)) {
    throw new ApiError(
      404,
      'not_found_error',
      `The model '${model.id}' is sold as ${model.quantization} only, which provider.quantizations excludes.`,
      'no_host_matches_preferences',
      'provider.quantizations',
    );
  }
  const withinCeiling = model.routes.filter((r) => !isPricedOut(r.ask, model.ceiling));
  if (withinCeiling.length === 0) {
    const ceiling = `${formatNanos(model.ceiling.prompt)} / ${formatNanos(model.ceiling.completion)} per prompt / completion token`;
    throw new ApiError(
      503,
      'service_unavailable',
      `Every host of '${model.id}' asks more than its price ceiling (${ceiling}).`,
      'no_host_available',
    );
  }
  const preferred = withinCeiling.filter(
    (r) => (!preferences.only || preferences.only.includes(r.host.id)) && !preferences.ignore?.includes(r.host.id),
  );
  if (preferred.length === 0)
    throw new ApiError(
      404,
      'not_found_error',
      `No host of '${model.id}' matches provider.only / provider.ignore.`,
      'no_host_matches_preferences',
      'provider',
    );
  const routes = preferred.filter((r) => firstUnsupportedParameter(r.capabilities, input.body) === undefined);
  if (routes.length === 0) {
    const param = firstUnsupportedParameter((preferred[0] as ModelRoute).capabilities, input.body) ?? null;
    throw invalidRequest(`The model '${model.id}' does not support '${param}'.`, param, 'unsupported_parameter');
  }
  return { model, routes };
}
