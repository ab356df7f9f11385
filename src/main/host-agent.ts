// `agora host`: the composition root of a host agent. It keeps an Ed25519 identity in its data directory, serves
// the built-in engine — or fronts any OpenAI-compatible engine — behind a forward secret (only the market may call
// it), signs a receipt for every answer, registers with the market by a signed registration, keeps the host token it gets back (0600), and
// heartbeats — registering again if the market has forgotten it. In front of an engine it first warns (in its events)
// when that engine can be reached around it.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildEngineProxy, engineModelIds } from '../adapters/http/engine-host/build-engine-proxy.ts';
import { buildEngineServer } from '../adapters/http/engine-host/build-engine-server.ts';
import { engineExposureWarnings } from '../adapters/http/engine-host/engine-exposure.ts';
import { loadOrCreateHostIdentity, type HostIdentity } from '../adapters/keys/host-identity.ts';
import { writeSecretFile } from '../adapters/keys/secret-files.ts';
import { createTimerScheduler } from '../adapters/time/timer-scheduler.ts';
import type { Scheduler } from '../app/ports.ts';
import type { HostRegistrationWire } from '../contracts/hosts/host-requests.ts';
import { formatNanos } from '../domain/money/nanos.ts';
import type { ModelFiles } from '../adapters/engines/builtin/model-cache.ts';
import type { LlamaEngineOptions } from '../adapters/engines/builtin/llama-engine.ts';
import {
  BUILTIN_EMBED_MODEL_ID,
  BUILTIN_MODEL_ID,
  BUILTIN_QUANTIZATION,
  builtinModelFiles,
  builtinModels,
  loadBuiltinEngine,
} from './builtin-model.ts';

/** The built-in engine, or an OpenAI-compatible engine's URL (its own key, and which of its models to sell). */
export type HostEngine =
  /**
   * `weights`: the files the engine really loads, when they are not the SKU's (only the sandbox's cheaters set it);
   * `floor`: an emulated hardware floor (only the sandbox's `--floor-profile` sets it)
   */
  | { kind: 'builtin'; weights?: ModelFiles; floor?: LlamaEngineOptions['floor'] }
  | { kind: 'openai-compatible'; url: string; key?: string | undefined; models?: string[] | undefined };

export type HostAgentOptions = {
  marketUrl: string;
  engine: HostEngine;
  /** requests the engine serves at once (declared; the market routes others elsewhere first) */
  maxConcurrency: number;
  /** what the engine runs on, e.g. `cpu`, `gpu` (default `cpu`): verification profiles are kept per class */
  hardwareClass?: string | undefined;
  dataDir: string;
  modelCacheDir: string;
  /** where the engine listens; `announce` is the address the market is told (default: this one) */
  listenHost: string;
  port: number;
  announce?: string | undefined;
  /** shown to buyers and the operator; default: `host ` and the start of its public key, so two hosts differ */
  name?: string | undefined;
  onEvent?: (message: string) => void;
  /** runs the heartbeat; default: real timers */
  scheduler?: Scheduler;
};

export type RunningHostAgent = {
  hostId: string;
  url: string;
  status: 'active' | 'pending';
  admitted: string[];
  close(): Promise<void>;
};

type Registered = {
  host_id: string;
  host_token: string;
  status: 'active' | 'pending';
  admitted: string[];
  refused: Array<{ model: string; reason: string }>;
  heartbeat_interval_ms: number;
};

/** A market that does not answer within this fails the call (a heartbeat, a registration): shutdown never hangs on it. */
const MARKET_CALL_TIMEOUT_MS = 10_000;

async function postJson<T>(url: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    signal: AbortSignal.timeout(MARKET_CALL_TIMEOUT_MS),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
}

async function register(
  marketUrl: string,
  identity: HostIdentity,
  registration: Omit<HostRegistrationWire, 'signed_at'>,
): Promise<Registered> {
  const payload = JSON.stringify({ ...registration, signed_at: Date.now() });
  const answer = await postJson<Registered & { error?: { message: string } }>(`${marketUrl}/hosts/register`, {
    public_key: identity.publicKey,
    payload,
    signature: identity.sign(payload),
  });
  if (answer.status !== 201 && answer.status !== 202)
    throw new Error(
      `HOST_NOT_REGISTERED: the market answered ${answer.status}: ${answer.body.error?.message ?? 'no reason given'}`,
    );
  return answer.body;
}

/** How long a stopping agent waits for the market to hear it leave; a market that is down already sends nothing. */
const LEAVE_TIMEOUT_MS = 3_000;

async function leave(marketUrl: string, hostToken: string, say: (message: string) => void): Promise<void> {
  try {
    const response = await fetch(`${marketUrl}/hosts/me/leave`, {
      method: 'POST',
      signal: AbortSignal.timeout(LEAVE_TIMEOUT_MS),
      headers: { authorization: `Bearer ${hostToken}` },
    });
    await response.arrayBuffer();
    say(
      response.ok
        ? 'left the market: no new requests'
        : `the market answered ${response.status} to leaving; it stops routing here within a few heartbeats`,
    );
  } catch {
    say('the market did not hear this host leave; it stops routing here within a few heartbeats');
  }
}

type DeclaredModelWire = HostRegistrationWire['models'][number];
type ServedEngine = {
  server: FastifyInstance;
  engine: HostRegistrationWire['engine'];
  models: DeclaredModelWire[];
  close(): Promise<void>;
};
type MarketPricing = { model: string; base: { prompt: string; completion: string } };
type MarketModelCard = {
  id: string;
  context_length: number;
  /** an embedding model's has no completion price */
  pricing: { prompt: string; completion?: string };
  sku: { digest: string; quantization: string };
};

async function serveEngine(
  options: HostAgentOptions,
  marketUrl: string,
  forwardSecret: string,
  identity: HostIdentity,
  say: (message: string) => void,
): Promise<ServedEngine> {
  if (options.engine.kind === 'builtin') {
    const files = await builtinModelFiles(options.modelCacheDir);
    const engine = await loadBuiltinEngine(options.engine.weights ?? files, options.engine.floor);
    const server = buildEngineServer({
      engine,
      modelId: BUILTIN_MODEL_ID,
      embeddingModelId: BUILTIN_EMBED_MODEL_ID,
      sha256: files.sha256,
      quantization: BUILTIN_QUANTIZATION,
      requireBearer: forwardSecret,
      sign: identity.sign,
    });
    return {
      server,
      engine: { kind: 'builtin', version: 'node-llama-cpp 3.22.1' },
      models: builtinModels(files).map((sku) => ({
        model: sku.id,
        digest: sku.digest,
        quantization: sku.quantization,
        context_length: engine.contextLength,
        ask: { prompt: formatNanos(sku.promptPrice), completion: formatNanos(sku.completionPrice) },
      })),
      close: async () => {
        await server.close();
        await engine.close();
      },
    };
  }
  // An external engine serves the market's SKU of each model it names (the market's probe checks the claim).
  const { url, key } = options.engine;
  for (const warning of await engineExposureWarnings(url)) say(`WARNING: ${warning}`);
  const offered = options.engine.models ?? (await engineModelIds(url, key));
  const catalog = await fetch(`${marketUrl}/v1/models`).catch((error: unknown) => {
    throw new Error(`HOST_NOT_REGISTERED: cannot reach the market at ${marketUrl}: ${(error as Error).message}`);
  });
  const sold = ((await catalog.json()) as { data: MarketModelCard[] }).data;
  // The ask is the operator's base price, not the demand price of the moment: an ask is a floor under the market
  // price (docs/decisions/010-price-liveness.md), and one taken at a price spike would hold the price up for good.
  const pricing = await fetch(`${marketUrl}/v1/pricing`).then((r) => r.json() as Promise<{ data: MarketPricing[] }>);
  const baseOf = new Map(pricing.data.map((p) => [p.model, p.base]));
  const models = sold
    .filter((card) => offered.includes(card.id))
    .map((card) => ({
      model: card.id,
      digest: card.sku.digest,
      quantization: card.sku.quantization,
      context_length: card.context_length,
      // An embedding answer has no completion tokens: its ask's completion price never bills anything.
      ask: baseOf.get(card.id) ?? {
        prompt: card.pricing.prompt,
        completion: card.pricing.completion ?? card.pricing.prompt,
      },
    }));
  if (models.length === 0)
    throw new Error(
      `HOST_NOT_REGISTERED: the engine serves ${offered.join(', ') || 'no model'}; the market sells ${sold.map((c) => c.id).join(', ')}`,
    );
  const server = buildEngineProxy({ engineUrl: url, engineKey: key, forwardSecret, sign: identity.sign });
  return { server, engine: { kind: 'openai-compatible', version: 'unknown' }, models, close: () => server.close() };
}

export async function startHostAgent(options: HostAgentOptions): Promise<RunningHostAgent> {
  const dataDir = resolve(options.dataDir);
  const marketUrl = options.marketUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const say = options.onEvent ?? (() => undefined);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const identity = await loadOrCreateHostIdentity(join(dataDir, 'host.key'));
  const forwardSecret = randomBytes(24).toString('base64url');

  const served = await serveEngine(options, marketUrl, forwardSecret, identity, say);
  const scheduler =
    options.scheduler ?? createTimerScheduler((name, error) => say(`${name} failed: ${(error as Error).message}`));
  /** set once registered: the agent then tells the market it leaves before it stops serving */
  let hostToken: string | undefined;
  const close = async () => {
    await scheduler.stop();
    if (hostToken !== undefined) await leave(marketUrl, hostToken, say);
    // Fastify's close waits for the requests in flight: what the market sent before it heard of the leave finishes.
    await served.close();
  };
  try {
    const listening = await served.server.listen({ port: options.port, host: options.listenHost });
    const url = options.announce ?? listening;
    const registration = {
      public_key: identity.publicKey,
      name: options.name ?? `host ${identity.publicKey.slice(0, 8)}`,
      base_url: url,
      forward_secret: forwardSecret,
      engine: served.engine,
      max_concurrency: options.maxConcurrency,
      ...(options.hardwareClass ? { hardware_class: options.hardwareClass } : {}),
      models: served.models,
    };
    let registered = await register(marketUrl, identity, registration);
    hostToken = registered.host_token;
    await writeSecretFile(join(dataDir, 'host.token'), registered.host_token);
    for (const refused of registered.refused) say(`not admitted for ${refused.model}: ${refused.reason}`);

    scheduler.every('heartbeat', registered.heartbeat_interval_ms, async () => {
      const answer = await postJson(`${marketUrl}/hosts/heartbeat`, {}, registered.host_token);
      if (answer.status !== 401) return;
      say('the market no longer knows this host; registering again');
      registered = await register(marketUrl, identity, registration);
      hostToken = registered.host_token;
      await writeSecretFile(join(dataDir, 'host.token'), registered.host_token);
    });
    return { hostId: registered.host_id, url, status: registered.status, admitted: registered.admitted, close };
  } catch (error) {
    await close();
    throw error;
  }
}
