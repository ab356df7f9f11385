// The seeds of a request's n choices on an engine that generates them one after another: choice 0 samples with the
// request's seed (what n = 1 gives), each later one with a seed drawn from a generator seeded by it, so the choices
// differ from each other and the same request with the same seed reproduces every one of them.
import { createPrng } from '../tiny-model/prng.ts';

export function choiceSeeds(seed: number, count: number): number[] {
  const prng = createPrng(seed);
  // 31 bits: the range of the seed an engine picks when the request sets none
  return Array.from({ length: count }, (_, index) => (index === 0 ? seed : prng.nextUint32() >>> 1));
}
