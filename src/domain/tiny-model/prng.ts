// Seeded integer-only PRNG (xoshiro128** seeded by splitmix32) so generated weights are byte-identical on
// every machine: no Math.random, and floats are built from exact 24-bit integers.

export type Prng = {
  nextUint32(): number;
  /** Uniform in [0, 1) with 24 bits of precision (exactly representable in float32). */
  nextUnit(): number;
};

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export function createPrng(seed: number): Prng {
  const mix = splitmix32(seed);
  const s = [mix(), mix(), mix(), mix()] as [number, number, number, number];
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  };
  return { nextUint32, nextUnit: () => (nextUint32() >>> 8) / 16777216 };
}

/** Uniform value with mean 0 and the given standard deviation (uniform on [-a, a], a = std·√3). */
export function uniformWithStd(prng: Prng, std: number): number {
  return (prng.nextUnit() * 2 - 1) * std * Math.sqrt(3);
}
