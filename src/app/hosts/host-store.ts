// The store port for hosts: operator-registered engines and host agents (registration, approval, heartbeat), their
// scorecards (misses, strikes, format failures) and the summary a host reads of itself.
import type { FormatScore } from '../../domain/formats/format-scorecard.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import type { FormatTally } from '../v1/format-quality.ts';
import type { CapacityMeasurement } from './capacity-store.ts';
import type { MaintenanceWindow } from './maintenance-store.ts';

export type HostRecord = { id: string; name: string; baseUrl: string; engineKind: string };

/** A host agent after its registration was verified and probed. */
export type AgentHost = HostRecord & {
  publicKey: string;
  tokenHash: string;
  forwardSecret: string;
  engineVersion: string;
  maxConcurrency: number;
  status: 'active' | 'pending';
  /** what it declared its engine runs on (verification profiles are kept per class) */
  hardwareClass: string;
};
/** A registered agent as the operator reviews it: where it is, whether it serves, and the models it declared. */
export type AgentHostState = {
  id: string;
  name: string;
  baseUrl: string;
  forwardSecret: string;
  status: 'active' | 'pending';
  models: string[];
  lastSeenAtMs: number | null;
  /** when its agent last said it stops */
  leftAtMs: number | null;
  reputation: number;
  /** set when a conviction suspended it (a granted appeal lifts it) */
  suspendedAtMs: number | null;
  /** the scorecard: failures outside maintenance windows, and usage claims that did not match */
  misses: number;
  strikes: number;
  engineKind: string;
  /** the class it declared, and why its probed speed contradicts it (null while it does not) */
  hardwareClass: string;
  hardwareClassDoubt: string | null;
};
export type AgentRoute = { modelId: string; askPrompt: Nanos; askCompletion: Nanos };

export type HostSummary = {
  id: string;
  name: string;
  baseUrl: string;
  lastSeenAtMs: number | null;
  models: string[];
  requests: number;
  completionTokens: number;
  earnings: Nanos;
  /** failed requests outside maintenance windows */
  misses: number;
  /** usage claims that were not the count of the host's own token ids */
  strikes: number;
  /** 0–100, from verification checks and misses */
  reputation: number;
  suspendedAtMs: number | null;
  maintenance: MaintenanceWindow[];
  /** the latest capacity probe of each model it serves */
  capacity: CapacityMeasurement[];
  /** per model: answers judged for their format (tool calls, JSON) and the failures among them */
  formats: FormatScore[];
};

export type HostStore = {
  /** an operator-registered engine; `maxConcurrency` as declared (null or absent: undeclared) */
  upsertHost(
    host: HostRecord & { maxConcurrency?: number | null },
    modelId: string,
    upstreamModel: string,
  ): Promise<void>;
  /** the host's row and exactly these routes (a re-registration replaces what the host serves) */
  saveAgentHost(host: AgentHost, routes: readonly AgentRoute[]): Promise<void>;
  findAgentHost(hostId: string): Promise<AgentHostState | undefined>;
  listAgentHosts(): Promise<AgentHostState[]>;
  /** an approved host: active, serving only the given models */
  activateHost(hostId: string, modelIds: readonly string[]): Promise<void>;
  findHostByTokenHash(tokenHash: string): Promise<{ id: string } | undefined>;
  touchHost(hostId: string): Promise<void>;
  /** its agent says it stops: it leaves the routes until it is heard from again */
  markHostLeft(hostId: string): Promise<void>;
  hostSummary(hostId: string, nowMs: number): Promise<HostSummary | undefined>;
  /**
   * adds to hosts' scorecards: misses (failures outside maintenance), strikes (usage claims not matching their ids)
   * and judged answers' format outcomes
   */
  recordHostTallies(tallies: {
    misses: ReadonlyMap<string, number>;
    strikes: ReadonlyMap<string, number>;
    formats: readonly FormatTally[];
  }): Promise<void>;
};
