// The store port for verification profiles: one per (SKU, engine kind, hardware class), with what it was fitted
// from; and each host's declared hardware class and any doubt its probed speed cast on it.
import type { KeyedProfile } from '../../domain/verification/profile-choice.ts';

export type InstalledProfile = KeyedProfile & {
  modelId: string;
  /** what the profile was fitted from: the calibration file's other fields (distributions, machine, reference) */
  calibration: Record<string, unknown>;
};

export type HostClass = { hostId: string; engineKind: string; hardwareClass: string; doubt: string | null };

export type ProfileStore = {
  /** installs or replaces the profile of its (SKU, engine kind, hardware class) */
  installProfile(profile: InstalledProfile): Promise<void>;
  listProfiles(modelId?: string): Promise<InstalledProfile[]>;
  hostClass(hostId: string): Promise<HostClass | undefined>;
  /** records (or clears, with null) why the host's probed speed contradicts its declared class */
  setClassDoubt(hostId: string, doubt: string | null): Promise<void>;
};
