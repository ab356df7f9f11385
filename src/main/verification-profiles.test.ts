import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVerificationProfile, SHIPPED_PROFILES } from './verification-profiles.ts';

describe('verification profiles', () => {
  it('ships the gpu profile with a pooled test and a floor, and the cpu profile without', () => {
    const gpu = loadVerificationProfile('gpu');
    expect(gpu.pooled?.meanTv.honestMean).toBeGreaterThan(SHIPPED_PROFILES.cpu?.perCheck.meanTvThreshold ?? 1);
    expect(gpu.floor?.tvQuantiles.length).toBeGreaterThan(100);
    expect(loadVerificationProfile('cpu').pooled).toBeNull();
  });

  it('reads a profile file by path, and says what is wrong with one that is not a profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-'));
    const path = join(dir, 'mine.json');
    writeFileSync(path, JSON.stringify({ ...loadVerificationProfile('gpu'), name: 'mine' }));
    expect(loadVerificationProfile(path).name).toBe('mine');
    writeFileSync(path, JSON.stringify({ name: 'broken' }));
    expect(() => loadVerificationProfile(path)).toThrow(/VERIFICATION_PROFILE_INVALID/);
    expect(() => loadVerificationProfile('tpu')).toThrow(/neither a shipped profile \(cpu, gpu\)/);
  });
});
