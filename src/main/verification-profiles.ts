// The shipped verification profiles, by name, and a profile file by path (`--floor-profile <name|path>`): `cpu` is
// the built-in engine's own (src/domain/verification/thresholds.ts); `gpu` is fitted from an H200's honest and
// substituted distances by scripts/fit-gpu-profile.ts (its provenance field says how).
import { readFileSync } from 'node:fs';
import { verificationProfileSchema } from '../contracts/trust/verification-profile.ts';
import { CPU_PROFILE } from '../domain/verification/thresholds.ts';
import type { VerificationProfile } from '../domain/verification/verification-profile.ts';
import gpu from './verification-profiles/gpu.json' with { type: 'json' };

export const SHIPPED_PROFILES: Readonly<Record<string, VerificationProfile>> = {
  cpu: CPU_PROFILE,
  gpu: verificationProfileSchema.parse(gpu),
};

/** A shipped profile by name, or a profile file (JSON) by path; an error that names both when it is neither. */
export function loadVerificationProfile(nameOrPath: string): VerificationProfile {
  const shipped = SHIPPED_PROFILES[nameOrPath];
  if (shipped) return shipped;
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch {
    throw new Error(
      `VERIFICATION_PROFILE_UNKNOWN: ${nameOrPath} is neither a shipped profile (${Object.keys(SHIPPED_PROFILES).join(', ')}) nor a readable file`,
    );
  }
  const parsed = verificationProfileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`VERIFICATION_PROFILE_INVALID: ${nameOrPath}: ${parsed.error.message}`);
  return parsed.data;
}
