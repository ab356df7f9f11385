// Hosts joining the market: a registration signed with the host's key is verified on the exact bytes received,
// checked against the SKUs the market sells, then probed — the market sends a real request and compares the host's
// prompt-token count with its own (another tokenizer or chat template, i.e. another model family, is refused).
// Only then does the host get its token and traffic.
import { ApiError, invalidRequest } from '../../contracts/openai/error-envelope.ts';
import type { z } from 'zod';
import { hostRegistrationSchema, type HostRegistration, type signedRegistrationSchema } from '../../contracts/hosts/host-requests.ts';
import { admitDeclaredModels, isFresh, type DeclaredModel } from '../../domain/hosts/admission.ts';
import type { MarketStore } from '../market-store.ts';
import type { Clock, EngineClient, Ids } from '../ports.ts';
import type { MarketCatalog } from '../v1/market-catalog.ts';
import { countPromptTokens } from '../v1/prompt-metering.ts';

export type HostRegistryDeps = {
  store: MarketStore;
  catalog: MarketCatalog;
  engines: EngineClient;
  clock: Clock;
  ids: Ids;
  verifySignature(publicKey: string, bytes: string, signature: string): boolean;
  hostIdFor(publicKey: string): string;
  hashToken(token: string): string;
  reloadCatalog(): Promise<void>;
};

export type SignedRegistration = z.infer<typeof signedRegistrationSchema>;
export type Registered = { hostId: string; hostToken: string; admitted: string[]; refused: Array<{ model: string; reason: string }> };

export const HOST_TOKEN_PREFIX = 'ht-agora-';
const PROBE_MESSAGES = [{ role: 'user' as const, content: 'Agora admission probe: the market counts these tokens itself.' }];

async function probe(deps: HostRegistryDeps, registration: HostRegistration, model: DeclaredModel): Promise<string | undefined> {
  const sold = deps.catalog.get(model.model);
  if (!sold) return 'the market does not sell this model';
  try {
    const response = await deps.engines.send({
      baseUrl: registration.base_url.replace(/\/+$/, ''),
      path: '/v1/chat/completions',
      body: { model: model.model, messages: PROBE_MESSAGES, max_tokens: 1, temperature: 0 },
      bearer: registration.forward_secret,
      signal: AbortSignal.timeout(15_000),
      stream: false,
    });
    const claimed = (response.kind === 'json' ? (response.body as { usage?: { prompt_tokens?: unknown } }).usage?.prompt_tokens : undefined) ?? 'nothing';
    const counted = countPromptTokens(sold.tokenizer, { kind: 'chat', body: { messages: PROBE_MESSAGES } });
    return claimed === counted ? undefined : `the probe's prompt is ${counted} tokens under this SKU's tokenizer and chat template; the host counted ${String(claimed)}`;
  } catch (error) {
    return `the probe failed: ${(error as Error).message}`;
  }
}

export async function registerHost(deps: HostRegistryDeps, signed: SignedRegistration): Promise<Registered> {
  if (!deps.verifySignature(signed.public_key, signed.payload, signed.signature)) {
    throw new ApiError(401, 'authentication_error', 'The registration signature does not verify with this public key.', 'bad_signature', 'signature');
  }
  let json: unknown;
  try {
    json = JSON.parse(signed.payload);
  } catch {
    throw invalidRequest('The payload is not JSON.', 'payload', 'invalid_body');
  }
  const parsed = hostRegistrationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidRequest(`Invalid registration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`, `payload.${issue?.path.join('.') ?? ''}`, 'invalid_value');
  }
  const registration = parsed.data;
  if (registration.public_key !== signed.public_key) throw invalidRequest('The payload names another public key than the one it is signed with.', 'payload.public_key', 'invalid_value');
  if (!isFresh(registration.signed_at, deps.clock.nowMs())) {
    throw new ApiError(401, 'authentication_error', 'The registration was signed too long ago (or in the future); sign a fresh one.', 'stale_registration', 'payload.signed_at');
  }

  const declared = registration.models.map((m) => ({ model: m.model, digest: m.digest, quantization: m.quantization, contextLength: m.context_length }));
  const skus = deps.catalog.list().map((m) => ({ model: m.id, digest: m.digest, quantization: m.quantization, contextLength: m.contextLength }));
  const { admitted, refused } = admitDeclaredModels(declared, skus);
  const probed: DeclaredModel[] = [];
  for (const model of admitted) {
    const failure = await probe(deps, registration, model);
    if (failure) refused.push({ model: model.model, reason: failure });
    else probed.push(model);
  }
  if (probed.length === 0) {
    throw new ApiError(403, 'permission_error', `No declared model was admitted: ${refused.map((r) => `${r.model}: ${r.reason}`).join('; ')}`, 'host_not_admitted');
  }

  const hostId = deps.hostIdFor(registration.public_key);
  const hostToken = `${HOST_TOKEN_PREFIX}${deps.ids.newSecret()}`;
  const asks = new Map(registration.models.map((m) => [m.model, m.ask]));
  await deps.store.saveAgentHost(
    {
      id: hostId,
      name: registration.name,
      baseUrl: registration.base_url.replace(/\/+$/, ''),
      engineKind: registration.engine.kind === 'builtin' ? 'builtin' : 'openai-compatible',
      publicKey: registration.public_key,
      tokenHash: deps.hashToken(hostToken),
      forwardSecret: registration.forward_secret,
      engineVersion: registration.engine.version,
      maxConcurrency: registration.max_concurrency,
    },
    probed.map((m) => ({ modelId: m.model, askPrompt: asks.get(m.model)!.prompt, askCompletion: asks.get(m.model)!.completion })),
  );
  await deps.reloadCatalog();
  return { hostId, hostToken, admitted: probed.map((m) => m.model), refused };
}
