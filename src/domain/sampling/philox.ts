// Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
// counter-based generator of Random123, cuRAND, PyTorch's CUDA generator and Triton's `tl.rand`: a keyed bijection
// of a 128-bit counter, so any (seed, position, token) maps to its random words without state, on any device.
// Known-answer vectors from Random123's tests/kat_vectors are in philox.test.ts.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** The high 32 bits of the 64-bit product of two unsigned 32-bit words (JavaScript numbers hold 53 bits exactly). */
function mulHi(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const loLo = aLo * bLo;
  const cross = aHi * bLo + (loLo >>> 16) + ((aLo * bHi) & 0xffff);
  return (aHi * bHi + ((aLo * bHi) >>> 16) + Math.floor(cross / 0x10000)) >>> 0;
}

export type PhiloxBlock = [number, number, number, number];

/** Ten rounds of Philox4x32 over `counter` (four unsigned 32-bit words) under `key` (two words). */
export function philox4x32(counter: Readonly<PhiloxBlock>, key: readonly [number, number]): PhiloxBlock {
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulHi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}
