// The profiles the market installs on start: the built-in engine's, measured by `agora verify calibrate` and kept
// in the repository (calibrating at start would slow the first start by a minute). A shipped profile replaces an
// installed one only when it was measured later, so an operator's own calibration of the same key stands.
import { installableProfile } from '../app/verification/install-profile.ts';
import type { InstalledProfile, ProfileStore } from '../app/verification/profile-store.ts';
import builtinCpu from './verification-profiles/agora-tiny-builtin-cpu.json' with { type: 'json' };

export const SHIPPED_CALIBRATIONS: readonly InstalledProfile[] = [installableProfile(builtinCpu)];

export async function installShippedProfiles(store: ProfileStore): Promise<void> {
  for (const shipped of SHIPPED_CALIBRATIONS) {
    const installed = (await store.listProfiles(shipped.modelId)).find(
      (p) => p.engineKind === shipped.engineKind && p.hardwareClass === shipped.hardwareClass,
    );
    if (!installed || installed.profile.measuredAt < shipped.profile.measuredAt) await store.installProfile(shipped);
  }
}
