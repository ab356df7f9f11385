// Whether a host is live: the one definition behind every count of hosts serving a model (routing, /v1/models, the
// status page, the operator's host list, the capacity a maintenance window is judged against). A host's agent says
// it is alive every heartbeat interval; one silent for longer than three intervals is gone — it gets no traffic and
// is counted nowhere, though its row stays `active` so it serves again the moment it returns. An agent that stops
// says it leaves, and is gone at once until it is heard from again.

/** How often host agents say they are alive (the market tells each agent at registration). */
export const HOST_HEARTBEAT_MS = 2_000;

/** Intervals a host may miss (a slow network, a busy engine) before it stops counting as serving. */
export const MISSED_HEARTBEATS = 3;

/**
 * `lastSeenAtMs`: its agent's latest heartbeat or registration; null for an engine the operator registered, which
 * has no agent to send heartbeats and counts as live while it is listed. `leftAtMs`: when its agent last said it
 * stops (null: never).
 */
export type HostPresence = { lastSeenAtMs: number | null; leftAtMs: number | null };

export function isHostLive(presence: HostPresence, nowMs: number, heartbeatIntervalMs: number): boolean {
  const { lastSeenAtMs, leftAtMs } = presence;
  if (lastSeenAtMs === null) return true;
  if (leftAtMs !== null && leftAtMs >= lastSeenAtMs) return false;
  return nowMs - lastSeenAtMs <= MISSED_HEARTBEATS * heartbeatIntervalMs;
}
