// Maintenance windows: whether the market accepts a host's declared window, and whether a host is away (drained
// before the window so in-flight requests finish, back after it). A host away in an accepted window is never
// counted as missing.

export type Window = { startsAtMs: number; endsAtMs: number };
export type MaintenanceRules = {
  /** how long before its start a window must be declared */
  minNoticeMs: number;
  maxLengthMs: number;
  /** the largest share of a model's capacity that may be away at one time (0–1) */
  maxShareAway: number;
};

/** No new requests this long before a window starts, so the ones in flight finish before it. */
export const DRAIN_LEAD_MS = 30_000;

export const DEFAULT_MAINTENANCE_RULES: MaintenanceRules = {
  minNoticeMs: 5 * 60_000,
  maxLengthMs: 24 * 3_600_000,
  maxShareAway: 0.5,
};

/** Draining or inside the window: no new requests, and a failure is not a miss. */
export const isAway = (windows: readonly Window[], nowMs: number): boolean =>
  windows.some((w) => nowMs >= w.startsAtMs - DRAIN_LEAD_MS && nowMs < w.endsAtMs);

const overlaps = (a: Window, b: Window): boolean =>
  a.startsAtMs - DRAIN_LEAD_MS < b.endsAtMs && b.startsAtMs - DRAIN_LEAD_MS < a.endsAtMs;

/** One model's hosts: each host's capacity (concurrency) and its accepted windows. */
export type ModelCapacity = {
  modelId: string;
  hosts: Array<{ hostId: string; capacity: number; windows: readonly Window[] }>;
};

export function judgeMaintenance(
  hostId: string,
  window: Window,
  nowMs: number,
  rules: MaintenanceRules,
  models: readonly ModelCapacity[],
): { accepted: true } | { accepted: false; reason: string } {
  if (window.endsAtMs <= window.startsAtMs) return { accepted: false, reason: 'the window ends before it starts' };
  if (window.startsAtMs - nowMs < rules.minNoticeMs)
    return {
      accepted: false,
      reason: `a window must be declared at least ${Math.ceil(rules.minNoticeMs / 1000)} s before it starts`,
    };
  if (window.endsAtMs - window.startsAtMs > rules.maxLengthMs)
    return { accepted: false, reason: `a window may last at most ${Math.floor(rules.maxLengthMs / 60_000)} min` };
  for (const model of models) {
    if (!model.hosts.some((h) => h.hostId === hostId)) continue;
    const total = model.hosts.reduce((sum, h) => sum + h.capacity, 0);
    const away = model.hosts
      .filter((h) => h.hostId === hostId || h.windows.some((w) => overlaps(w, window)))
      .reduce((sum, h) => sum + h.capacity, 0);
    if (away > total * rules.maxShareAway) {
      return {
        accepted: false,
        reason: `${model.modelId} would have ${Math.round((100 * away) / total)}% of its capacity away at once (at most ${Math.round(100 * rules.maxShareAway)}%)`,
      };
    }
  }
  return { accepted: true };
}
