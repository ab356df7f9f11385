// What distinguishes one generated model from another. The reference SKU is the default variant; the others are
// the substitutes a dishonest host might serve (quantized, truncated, perturbed, other weights).
export const VARIANT_NAMES = ['reference', 'f16', 'q8_0', 'q4_0', 'fewer-layers', 'noise', 'other-seed'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

export type ModelVariant = {
  name: VariantName;
  encoding: 'f32' | 'f16' | 'q8_0' | 'q4_0';
  layers: number;
  blockSeed: number;
  /** relative weight noise (0.01 = 1 %) */
  noise: number;
};

export const REFERENCE_LAYERS = 4;
export const DEFAULT_SEED = 1;

export function describeVariant(name: VariantName, seed = DEFAULT_SEED): ModelVariant {
  const reference: ModelVariant = { name, encoding: 'f32', layers: REFERENCE_LAYERS, blockSeed: seed, noise: 0 };
  switch (name) {
    case 'reference':
      return reference;
    case 'f16':
    case 'q8_0':
    case 'q4_0':
      return { ...reference, encoding: name };
    case 'fewer-layers':
      return { ...reference, layers: REFERENCE_LAYERS - 1 };
    case 'noise':
      return { ...reference, noise: 0.01 };
    case 'other-seed':
      return { ...reference, blockSeed: seed + 1 };
  }
}

export function variantFileStem(variant: ModelVariant): string {
  return `agora-tiny-s${variant.blockSeed}-${variant.encoding}-l${variant.layers}${variant.noise ? `-n${variant.noise}` : ''}`;
}
