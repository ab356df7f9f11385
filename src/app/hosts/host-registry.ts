// Hosts joining the market: a registration signed with the host's key is verified on the exact bytes received,
// checked against the SKUs the market sells, then probed — the market sends a real request and compares the host's
// prompt-token count with its own (another tokenizer or chat template, i.e. another model family, is refused).
// A model launched from a manifest also has readiness probes the host's answers must match (models/readiness-probes).
// Only then does the host get its token and traffic.
import { marketError } from '../../contracts/errors/market-error.ts';
import type { z } from 'zod';
import { hostRegistrationSchema, type signedRegistrationSchema } from '../../contracts/hosts/host-requests.ts';
import { admitDeclaredModels, isFresh } from '../../domain/hosts/admission.ts';
import type { HostStore } from './host-store.ts';
import type { Clock, EngineClient, Ids } from '../ports.ts';
import type { MarketCatalog } from '../v1/market-catalog.ts';
import { promptTokenIds } from '../v1/prompt-metering.ts';
import { runReadinessProbes } from '../models/readiness-probes.ts';
import { profileToEarn } from '../verification/host-profiles.ts';
import type { ProfileStore } from '../verification/profile-store.ts';
import { classDoubt } from '../../domain/verification/profile-choice.ts';

export type HostRegistryDeps = {
  store: Pick<HostStore, 'activateHost' | 'findAgentHost' | 'saveAgentHost'>;
  catalog: MarketCatalog;
  engines: EngineClient;
  clock: Clock;
  ids: Ids;
  verifySignature(publicKey: string, bytes: string, signature: string): boolean;
  hostIdFor(publicKey: string): string;
  hashToken(token: string): string;
  reloadCatalog(): Promise<void>;
  admission: HostAdmission;
  /** the SKUs' verification profiles: a class looser than a SKU's strictest is probed for speed */
  profiles: Pick<ProfileStore, 'listProfiles'>;
};

export type SignedRegistration = z.infer<typeof signedRegistrationSchema>;
export type Registered = {
  hostId: string;
  hostToken: string;
  status: 'active' | 'pending';
  admitted: string[];
  refused: Array<{ model: string; reason: string }>;
};
/** open: a host that passes the checks serves at once; approval: it waits for the operator (and is probed then). */
export type HostAdmission = 'open' | 'approval';

export const HOST_TOKEN_PREFIX = 'ht-agora-';
const PROBE_TEXT = 'Agora admission probe: the market counts these tokens itself.';
/** What the admission probe asks (a test counts it as the market does). */
export const ADMISSION_PROBE_MESSAGES = [{ role: 'user' as const, content: PROBE_TEXT }];

type ProbeTarget = { baseUrl: string; forwardSecret: string; engineKind: string; hardwareClass: string };

/** Tokens the speed probe asks for: enough that decoding, not the round trip, dominates its time. */
const SPEED_PROBE_TOKENS = 32;

/**
 * A class looser than the SKU's strictest must show its speed: one greedy answer of SPEED_PROBE_TOKENS, timed, its
 * tokens counted by the market. Undefined when the class needs no proof or the host is fast enough.
 */
async function speedRefusal(
  deps: HostRegistryDeps,
  target: ProbeTarget,
  modelId: string,
  tokenizer: { encode(text: string): readonly number[] },
): Promise<string | undefined> {
  const own = await profileToEarn(deps.profiles, modelId, target);
  if (!own) return undefined;
  const startedMs = deps.clock.nowMs();
  const response = await deps.engines.send({
    baseUrl: target.baseUrl,
    path: '/v1/chat/completions',
    body: { model: modelId, messages: ADMISSION_PROBE_MESSAGES, max_tokens: SPEED_PROBE_TOKENS, temperature: 0 },
    bearer: target.forwardSecret,
    requestId: deps.ids.newId('probe'),
    signal: AbortSignal.timeout(60_000),
    stream: false,
  });
  const elapsedMs = Math.max(deps.clock.nowMs() - startedMs, 1);
  const content =
    response.kind === 'json'
      ? (response.body as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content
      : undefined;
  const tokens = typeof content === 'string' ? tokenizer.encode(content).length : 0;
  const doubt = classDoubt(own, (tokens * 1000) / elapsedMs);
  return doubt && `declared hardware class '${target.hardwareClass}', but ${doubt}`;
}

async function probe(deps: HostRegistryDeps, target: ProbeTarget, modelId: string): Promise<string | undefined> {
  const sold = deps.catalog.get(modelId);
  if (!sold) return 'the market does not sell this model';
  // An embedding model is probed on /v1/embeddings with the same text, counted by the market's tokenizer alone.
  const embeds = !sold.capabilities.includes('chat');
  try {
    const response = await deps.engines.send({
      baseUrl: target.baseUrl,
      path: embeds ? '/v1/embeddings' : '/v1/chat/completions',
      body: embeds
        ? { model: modelId, input: PROBE_TEXT }
        : { model: modelId, messages: ADMISSION_PROBE_MESSAGES, max_tokens: 1, temperature: 0 },
      bearer: target.forwardSecret,
      requestId: deps.ids.newId('probe'),
      signal: AbortSignal.timeout(15_000),
      stream: false,
    });
    const claimed =
      (response.kind === 'json'
        ? (response.body as { usage?: { prompt_tokens?: unknown } }).usage?.prompt_tokens
        : undefined) ?? 'nothing';
    const counted = embeds
      ? sold.tokenizer.encode(PROBE_TEXT).length
      : promptTokenIds(sold.tokenizer, { kind: 'chat', body: { messages: ADMISSION_PROBE_MESSAGES } }).length;
    if (claimed !== counted)
      return `the probe's prompt is ${counted} tokens under this SKU's tokenizer${embeds ? '' : ' and chat template'}; the host counted ${String(claimed)}`;
    const tooSlow = embeds ? undefined : await speedRefusal(deps, target, modelId, sold.tokenizer);
    if (tooSlow) return tooSlow;
    if (!sold.launch) return undefined;
    const { readiness, embedding } = sold.launch.manifest;
    const ready = await runReadinessProbes(
      deps,
      { baseUrl: target.baseUrl, bearer: target.forwardSecret, upstreamModel: modelId },
      { ...readiness, embedding },
      sold.tokenizer,
    );
    return ready.reason ?? undefined;
  } catch (error) {
    return `the probe failed: ${(error as Error).message}`;
  }
}

/** Probes each model; the ones that pass, and the reasons of the others. */
async function probeModels(
  deps: HostRegistryDeps,
  target: ProbeTarget,
  modelIds: readonly string[],
): Promise<{ passed: string[]; refused: Array<{ model: string; reason: string }> }> {
  const passed: string[] = [];
  const refused: Array<{ model: string; reason: string }> = [];
  for (const model of modelIds) {
    const failure = await probe(deps, target, model);
    if (failure) refused.push({ model, reason: failure });
    else passed.push(model);
  }
  return { passed, refused };
}

const notAdmitted = (refused: ReadonlyArray<{ model: string; reason: string }>) =>
  marketError(
    'host_not_admitted',
    `No declared model was admitted: ${refused.map((r) => `${r.model}: ${r.reason}`).join('; ')}`,
  );

export async function registerHost(deps: HostRegistryDeps, signed: SignedRegistration): Promise<Registered> {
  if (!deps.verifySignature(signed.public_key, signed.payload, signed.signature)) {
    throw marketError('bad_signature', 'The registration signature does not verify with this public key.', {
      param: 'signature',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(signed.payload);
  } catch {
    throw marketError('invalid_body', 'The payload is not JSON.', { param: 'payload' });
  }
  const parsed = hostRegistrationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw marketError(
      'invalid_value',
      `Invalid registration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
      { param: `payload.${issue?.path.join('.') ?? ''}` },
    );
  }
  const registration = parsed.data;
  if (registration.public_key !== signed.public_key)
    throw marketError('invalid_value', 'The payload names another public key than the one it is signed with.', {
      param: 'payload.public_key',
    });
  if (!isFresh(registration.signed_at, deps.clock.nowMs())) {
    throw marketError(
      'stale_registration',
      'The registration was signed too long ago (or in the future); sign a fresh one.',
      { param: 'payload.signed_at' },
    );
  }

  const declared = registration.models.map((m) => ({
    model: m.model,
    digest: m.digest,
    quantization: m.quantization,
    contextLength: m.context_length,
  }));
  const skus = deps.catalog
    .list()
    .map((m) => ({ model: m.id, digest: m.digest, quantization: m.quantization, contextLength: m.contextLength }));
  const { admitted, refused } = admitDeclaredModels(declared, skus);
  if (admitted.length === 0) throw notAdmitted(refused);

  const hostId = deps.hostIdFor(registration.public_key);
  const engineKind = registration.engine.kind === 'builtin' ? 'builtin' : 'openai-compatible';
  const target = {
    baseUrl: registration.base_url.replace(/\/+$/, ''),
    forwardSecret: registration.forward_secret,
    engineKind,
    hardwareClass: registration.hardware_class,
  };
  // Under approval, the market calls no address an operator has not approved: a new host, or one announcing a new
  // address, waits unprobed; an approved host re-registering at its address is probed as usual.
  const known = deps.admission === 'approval' ? await deps.store.findAgentHost(hostId) : undefined;
  const waits = deps.admission === 'approval' && !(known?.status === 'active' && known.baseUrl === target.baseUrl);
  const probed = waits
    ? { passed: admitted.map((m) => m.model), refused: [] }
    : await probeModels(
        deps,
        target,
        admitted.map((m) => m.model),
      );
  refused.push(...probed.refused);
  if (probed.passed.length === 0) throw notAdmitted(refused);

  const hostToken = `${HOST_TOKEN_PREFIX}${deps.ids.newSecret()}`;
  const asks = new Map(registration.models.map((m) => [m.model, m.ask]));
  await deps.store.saveAgentHost(
    {
      id: hostId,
      name: registration.name,
      baseUrl: target.baseUrl,
      engineKind,
      publicKey: registration.public_key,
      tokenHash: deps.hashToken(hostToken),
      forwardSecret: registration.forward_secret,
      engineVersion: registration.engine.version,
      maxConcurrency: registration.max_concurrency,
      status: waits ? 'pending' : 'active',
      hardwareClass: registration.hardware_class,
    },
    probed.passed.map((model) => ({
      modelId: model,
      askPrompt: asks.get(model)!.prompt,
      askCompletion: asks.get(model)!.completion,
    })),
  );
  await deps.reloadCatalog();
  return { hostId, hostToken, status: waits ? 'pending' : 'active', admitted: probed.passed, refused };
}

/** The operator approves a waiting host: it is probed now, and serves the models that pass. */
export async function approveHost(
  deps: HostRegistryDeps,
  hostId: string,
): Promise<{ admitted: string[]; refused: Array<{ model: string; reason: string }> }> {
  const host = await deps.store.findAgentHost(hostId);
  if (!host) throw marketError('host_not_found', `No host '${hostId}' has registered.`);
  if (host.status === 'active') return { admitted: host.models, refused: [] };
  const probed = await probeModels(deps, host, host.models);
  if (probed.passed.length === 0) throw notAdmitted(probed.refused);
  await deps.store.activateHost(hostId, probed.passed);
  await deps.reloadCatalog();
  return { admitted: probed.passed, refused: probed.refused };
}
