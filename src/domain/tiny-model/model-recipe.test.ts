import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateTinyModel } from './model-recipe.ts';
import { describeVariant, VARIANT_NAMES } from './model-variant.ts';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// Golden digests: the generator is integer-seeded, so these bytes are the same on every machine. A change here
// changes every SKU digest in the market and must be deliberate.
const GOLDEN: Record<string, string> = {
  reference: '95ffb3de86840e26e197fdaba297a2190fe71daf69d303d27c99d826d31029f6',
  q8_0: '561173289c33f30e25515ab1d454c20410fbc94e10e82f1d95555be9f18596fb',
};

describe('tiny model generator', () => {
  it('same seed gives the same GGUF bytes (golden sha256)', () => {
    for (const [name, digest] of Object.entries(GOLDEN)) {
      expect(sha256(generateTinyModel(describeVariant(name as 'reference')).gguf), name).toBe(digest);
    }
  });

  it('every variant is a different model file', () => {
    const digests = VARIANT_NAMES.map((name) => sha256(generateTinyModel(describeVariant(name)).gguf));
    expect(new Set(digests).size).toBe(VARIANT_NAMES.length);
  });
});
