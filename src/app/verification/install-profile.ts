// A calibration file (`agora verify calibrate`) as the profile store keeps it: the profile the verifier reads, its
// (SKU, engine kind, hardware class), and everything else in the file as the record of what it was fitted from.
import { calibrationFileSchema } from '../../contracts/trust/calibration-file.ts';
import { verificationProfileSchema } from '../../contracts/trust/verification-profile.ts';
import type { InstalledProfile } from './profile-store.ts';

/** Throws the contract's ZodError when the file is not a calibration. */
export function installableProfile(file: unknown): InstalledProfile {
  const parsed = calibrationFileSchema.parse(file);
  const profile = verificationProfileSchema.parse(parsed);
  const { model, engine_kind, hardware_class, decode_tokens_per_second } = parsed;
  const calibration = Object.fromEntries(
    Object.entries(file as Record<string, unknown>).filter(([key]) => !(key in profile)),
  );
  return {
    modelId: model,
    engineKind: engine_kind,
    hardwareClass: hardware_class,
    profile,
    calibration,
    decodeTokensPerSecond: decode_tokens_per_second,
  };
}
