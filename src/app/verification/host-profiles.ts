// A host's verification profile and the check of its declared hardware class against its measured speed. At
// admission a host whose class's profile is looser than its SKU's strictest is probed for speed and refused the
// model when it is too slow for the class; later capacity probes cast doubt on the class (or lift it), and a host
// in doubt is judged by the SKU's strictest profile (domain/verification/profile-choice.ts).
import {
  classDoubt,
  classNeedsSpeed,
  ownProfile,
  profileForHost,
  type KeyedProfile,
} from '../../domain/verification/profile-choice.ts';
import type { Logger } from '../ports.ts';
import type { ProfileStore } from './profile-store.ts';

/** The profile that judges this host's answers of this SKU; undefined when the SKU has none (the default then). */
export async function hostProfile(
  store: Pick<ProfileStore, 'listProfiles' | 'hostClass'>,
  hostId: string,
  modelId: string,
): Promise<KeyedProfile | undefined> {
  const profiles = await store.listProfiles(modelId);
  if (profiles.length === 0) return undefined;
  const host = await store.hostClass(hostId);
  return profileForHost(profiles, {
    engineKind: host?.engineKind ?? '',
    hardwareClass: host?.hardwareClass ?? '',
    classInDoubt: host?.doubt != null,
  });
}

/**
 * The profile a new host's declared class must earn by its speed at admission; undefined when the class needs no
 * proof (no profile of its own, or one no looser than the SKU's strictest).
 */
export async function profileToEarn(
  store: Pick<ProfileStore, 'listProfiles'>,
  modelId: string,
  host: { engineKind: string; hardwareClass: string },
): Promise<KeyedProfile | undefined> {
  const profiles = await store.listProfiles(modelId);
  const own = ownProfile(profiles, host);
  return classNeedsSpeed(profiles, own) ? own : undefined;
}

/** After a capacity probe: records (or lifts) the doubt its speed casts on the host's declared class. */
export async function reviewHostClass(
  deps: { store: Pick<ProfileStore, 'listProfiles' | 'hostClass' | 'setClassDoubt'>; logger: Logger },
  probe: { hostId: string; modelId: string; decodeTokensPerSecond: number | null },
): Promise<void> {
  if (probe.decodeTokensPerSecond === null) return;
  const host = await deps.store.hostClass(probe.hostId);
  if (!host) return;
  // Only a SKU whose class profile is looser can cast or lift doubt (another SKU's probe says nothing of it).
  const own = await profileToEarn(deps.store, probe.modelId, host);
  if (!own) return;
  const doubt = classDoubt(own, probe.decodeTokensPerSecond) ?? null;
  if (doubt === host.doubt) return;
  await deps.store.setClassDoubt(probe.hostId, doubt);
  if (doubt)
    deps.logger.warn(
      { host: probe.hostId, model: probe.modelId, class: host.hardwareClass, doubt },
      "a probe's speed contradicts the host's hardware class: it is judged by its SKU's strictest profile",
    );
}
