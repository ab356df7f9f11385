// The store port for the catalog: the models the market lists with their demand prices, and the routes of the hosts
// that serve them (what routing and admission read).
import type { ModelManifest } from '../../contracts/models/model-manifest.ts';
import type { EmbeddingShape, ModelCapability } from '../../contracts/openai/model-capabilities.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import type { UsageClassFactors } from '../../domain/pricing/usage-class-prices.ts';
import type { HostRecord } from '../hosts/host-store.ts';
import type { MaintenanceWindow } from '../hosts/maintenance-store.ts';

export type ModelRecord = {
  id: string;
  name: string;
  contextLength: number;
  /** per token: listed, the demand price now (what a request locks); upserted, the operator's base price */
  promptPrice: Nanos;
  completionPrice: Nanos;
  defaultMaxTokens: number;
  maxTokensCap: number;
  tokenizerDir: string;
  digest: string;
  quantization: string;
  /** what a cached prompt token and a reasoning token cost, as factors of the demand price; upserted without: a new
   * model gets the defaults (DEFAULT_USAGE_CLASS_FACTORS), a known one keeps its own */
  classFactors?: UsageClassFactors;
  /** what it serves; default: chat */
  capabilities?: ModelCapability[];
  /** an embedding model's vectors; default: none */
  embedding?: EmbeddingShape | null;
};

/**
 * A model as listed: its demand price now, its usage-class factors, the operator's base price (from which its
 * ceiling follows), and the manifest version live now (null for the built-in model, which the market verifies with
 * its own engine).
 */
export type ListedModel = ModelRecord & {
  basePrice: { prompt: Nanos; completion: Nanos };
  classFactors: UsageClassFactors;
  capabilities: ModelCapability[];
  embedding: EmbeddingShape | null;
  launch: { version: number; manifest: ModelManifest } | null;
};

/** Verified: the market re-scores sampled answers on a reference engine (the built-in model, or a manifest's `reference`). */
export const isVerified = (model: Pick<ListedModel, 'launch'>): boolean =>
  model.launch === null || model.launch.manifest.reference !== undefined;

/** A host as routing sees it: agents (hosts that joined by themselves) have a forward secret and heartbeat. */
export type RoutedHost = HostRecord & {
  forwardSecret: string | null;
  /** an agent's key, which signs its receipts */
  publicKey: string | null;
  lastSeenAtMs: number | null;
  leftAtMs: number | null;
  maxConcurrency: number | null;
  /** accepted maintenance windows that have not ended */
  maintenance: MaintenanceWindow[];
  /** 0–100, from its verification checks and misses: sets how often its answers are re-scored */
  reputation: number;
  /** a buyer's dispute against it is open: every answer is re-scored until a check settles it */
  underDispute: boolean;
  /** credits it locked: the larger, the more of a model's traffic it gets first choice of */
  bond: Nanos;
};
/** A host's ask per token; operator-registered engines have none (they take the market price). */
export type RouteRecord = {
  modelId: string;
  upstreamModel: string;
  host: RoutedHost;
  ask: { prompt: Nanos; completion: Nanos } | null;
};

export type CatalogStore = {
  upsertModel(model: ModelRecord): Promise<void>;
  /** the models buyers can call: not disabled */
  listModels(): Promise<ListedModel[]>;
  /** routes of active hosts not suspended, with their maintenance windows not ended at nowMs */
  listRoutes(nowMs: number): Promise<RouteRecord[]>;
};
