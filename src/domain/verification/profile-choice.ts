// Which verification profile judges a host: profiles are kept per (SKU, engine kind, hardware class), and a host
// declares its class. A class whose profile is looser than the SKU's strictest must be earned: the host's probed
// speed must reach a share of the speed the profile was calibrated at, else (or while it is in doubt) the host is
// judged by the SKU's strictest profile — no host picks a looser profile than its SKU allows by declaring one.
import type { VerificationProfile } from './verification-profile.ts';

export type KeyedProfile = {
  engineKind: string;
  hardwareClass: string;
  profile: VerificationProfile;
  /** one request's speed on the honest host at calibration; null where it was not measured (e.g. a shipped fit) */
  decodeTokensPerSecond: number | null;
};

/** A host probed below this share of its class's calibrated speed is not running that hardware. */
export const CLASS_SPEED_SHARE = 0.5;

const looseness = (p: VerificationProfile) => p.perCheck.meanTvThreshold;

/** The SKU's strictest profile (the lowest per-check threshold): what judges a host whose class is not earned. */
export function strictestProfile(profiles: readonly KeyedProfile[]): KeyedProfile | undefined {
  return profiles.reduce<KeyedProfile | undefined>(
    (best, p) => (best === undefined || looseness(p.profile) < looseness(best.profile) ? p : best),
    undefined,
  );
}

/** The profile of the host's own engine kind and class, when the SKU has one. */
export const ownProfile = (
  profiles: readonly KeyedProfile[],
  host: { engineKind: string; hardwareClass: string },
): KeyedProfile | undefined =>
  profiles.find((p) => p.engineKind === host.engineKind && p.hardwareClass === host.hardwareClass);

/** Whether the host's class needs its speed confirmed: its profile is looser than the SKU's strictest. */
export function classNeedsSpeed(profiles: readonly KeyedProfile[], own: KeyedProfile | undefined): boolean {
  const strictest = strictestProfile(profiles);
  return own !== undefined && strictest !== undefined && looseness(own.profile) > looseness(strictest.profile);
}

/**
 * Why a probed speed contradicts the declared class (undefined when it does not): slower than CLASS_SPEED_SHARE of
 * the calibrated speed, or a looser class with no calibrated speed to check it against.
 */
export function classDoubt(own: KeyedProfile, probedTokensPerSecond: number): string | undefined {
  if (own.decodeTokensPerSecond === null)
    return `the '${own.hardwareClass}' profile has no calibrated speed to check the class against`;
  const least = CLASS_SPEED_SHARE * own.decodeTokensPerSecond;
  return probedTokensPerSecond < least
    ? `probed at ${probedTokensPerSecond.toFixed(1)} tokens/s, below ${least.toFixed(1)} (half of what the '${own.hardwareClass}' profile was calibrated at)`
    : undefined;
}

/**
 * The profile that judges the host: its own class's when the SKU has one and the class is not in doubt (or is
 * not looser than the strictest), else the SKU's strictest; undefined when the SKU has no profile at all (the
 * verifier's default then).
 */
export function profileForHost(
  profiles: readonly KeyedProfile[],
  host: { engineKind: string; hardwareClass: string; classInDoubt: boolean },
): KeyedProfile | undefined {
  const own = ownProfile(profiles, host);
  if (own && !(host.classInDoubt && classNeedsSpeed(profiles, own))) return own;
  return strictestProfile(profiles);
}
