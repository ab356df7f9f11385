import { describe, expect, it } from 'vitest';
import { CPU_PROFILE } from './thresholds.ts';
import {
  classDoubt,
  classNeedsSpeed,
  ownProfile,
  profileForHost,
  strictestProfile,
  type KeyedProfile,
} from './profile-choice.ts';

const keyed = (engineKind: string, hardwareClass: string, threshold: number, speed: number | null): KeyedProfile => ({
  engineKind,
  hardwareClass,
  profile: { ...CPU_PROFILE, name: hardwareClass, perCheck: { ...CPU_PROFILE.perCheck, meanTvThreshold: threshold } },
  decodeTokensPerSecond: speed,
});
const cpu = keyed('builtin', 'cpu', 1e-4, 200);
const gpu = keyed('openai-compatible', 'gpu', 1e-2, 2_000);
const unmeasured = keyed('openai-compatible', 'tpu', 2e-2, null);
const profiles = [gpu, cpu, unmeasured];

describe("which profile judges a host: a looser class's must be earned", () => {
  it('judges a host by its own class while nothing contradicts it', () => {
    expect(strictestProfile(profiles)).toBe(cpu);
    expect(strictestProfile([])).toBeUndefined();
    const host = { engineKind: 'openai-compatible', hardwareClass: 'gpu', classInDoubt: false };
    expect(profileForHost(profiles, host)).toBe(gpu);
    expect(ownProfile(profiles, host)).toBe(gpu);
  });

  it('judges a host in doubt, or of a class the SKU has no profile for, by the strictest profile', () => {
    expect(
      profileForHost(profiles, { engineKind: 'openai-compatible', hardwareClass: 'gpu', classInDoubt: true }),
    ).toBe(cpu);
    expect(
      profileForHost(profiles, { engineKind: 'openai-compatible', hardwareClass: 'cpu', classInDoubt: false }),
    ).toBe(cpu);
    expect(profileForHost([], { engineKind: 'builtin', hardwareClass: 'cpu', classInDoubt: false })).toBeUndefined();
    // Doubt changes nothing for a class that is the strictest anyway.
    expect(profileForHost(profiles, { engineKind: 'builtin', hardwareClass: 'cpu', classInDoubt: true })).toBe(cpu);
  });

  it('asks a looser class for half its calibrated speed, and doubts one with no speed to check', () => {
    expect(classNeedsSpeed(profiles, gpu)).toBe(true);
    expect(classNeedsSpeed(profiles, cpu)).toBe(false);
    expect(classNeedsSpeed(profiles, undefined)).toBe(false);
    expect(classDoubt(gpu, 1_000)).toBeUndefined();
    expect(classDoubt(gpu, 999)).toMatch(/probed at 999.0 tokens\/s, below 1000.0/);
    expect(classDoubt(unmeasured, 1e9)).toMatch(/no calibrated speed/);
  });
});
