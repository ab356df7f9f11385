// The store port for hosts' maintenance windows: announced in advance, a window's failures are not misses.

export type MaintenanceWindow = { id: string; hostId: string; startsAtMs: number; endsAtMs: number };

export type MaintenanceStore = {
  /** windows not yet ended, of every host (empty hostIds: all) */
  listMaintenance(nowMs: number, hostIds?: readonly string[]): Promise<MaintenanceWindow[]>;
  addMaintenance(window: MaintenanceWindow): Promise<void>;
  /** false when the window is not this host's or already cancelled */
  cancelMaintenance(hostId: string, windowId: string): Promise<boolean>;
};
