// The store port for models launched from a manifest: their versions, which one is live, the probe runs that
// decided it, and whether a model is disabled.
import type { ModelManifest } from '../../contracts/models/model-manifest.ts';
import type { ModelRecord } from '../v1/catalog-store.ts';

/**
 * `pending`: no host could be probed yet; `active`: the live one (one per model); `rejected`: its probes failed on
 * every host probed; `superseded`: replaced by a later version; `rolled_back`: replaced by the one before it.
 */
export type ModelVersionStatus = 'pending' | 'active' | 'rejected' | 'superseded' | 'rolled_back';

export type TokenizerFiles = { json: string; config: string };

export type ModelVersion = {
  modelId: string;
  version: number;
  manifest: ModelManifest;
  status: ModelVersionStatus;
  createdAtMs: number;
  promotedAtMs: number | null;
};

export type ProbeRun = {
  id: string;
  modelId: string;
  version: number;
  hostId: string;
  passed: boolean;
  distances: number[];
  /** why it failed before a distance could be measured (the host did not answer, …) */
  reason: string | null;
};

/** A model's row as the operator manages it: which version is live, and whether it is listed. */
export type ManagedModel = { id: string; version: number | null; disabledAtMs: number | null };

export type ModelVersionStore = {
  findManagedModel(modelId: string): Promise<ManagedModel | undefined>;
  /** every model, disabled ones too */
  listManagedModels(): Promise<Array<ManagedModel & { name: string }>>;
  /** stores a new version as `pending` and returns its number (one more than the model's last) */
  addVersion(modelId: string, manifest: ModelManifest, tokenizer: TokenizerFiles): Promise<number>;
  listVersions(modelId?: string): Promise<ModelVersion[]>;
  tokenizerFiles(modelId: string, version: number): Promise<TokenizerFiles | undefined>;
  setVersionStatus(modelId: string, version: number, status: ModelVersionStatus): Promise<void>;
  /**
   * Makes a version live in one transaction: the live one becomes `retired` (superseded, or rolled_back), the
   * model's row takes the version's fields, and its demand price opens again at the version's base prices.
   */
  promoteVersion(
    model: ModelRecord,
    version: number,
    retired: 'superseded' | 'rolled_back',
    nowMs: number,
  ): Promise<void>;
  recordProbeRuns(runs: readonly ProbeRun[]): Promise<void>;
  /** false when there is no such model */
  setDisabled(modelId: string, disabledAtMs: number | null): Promise<boolean>;
};
