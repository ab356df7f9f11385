// The keyed hashes behind sampling decisions and seeds. The decision: HMAC-SHA256(secret, request id), its first 48
// bits read as a number in [0, 1); without the secret a host cannot tell which request ids fall under its sampling
// rate. The seed every forwarded request carries (decision 031): HMAC-SHA256 under a key derived from the secret for
// seeds alone (so a seed tells nothing of the decision's hash), over the request id — or over the account and the
// buyer's own `seed`, so that a buyer's seed still reproduces — its first 31 bits (every engine's seed takes them).
import { createHmac, randomBytes } from 'node:crypto';
import type { SeedSource } from '../../app/verification/response-sampling.ts';

export function hmacSamplingUnit(secret: string): (requestId: string) => number {
  return (requestId) => createHmac('sha256', secret).update(requestId).digest().readUIntBE(0, 6) / 2 ** 48;
}

export function hmacSamplingSeed(secret: string): (source: SeedSource) => number {
  const key = createHmac('sha256', secret).update('agora sampling seed v1').digest();
  return (source) =>
    createHmac('sha256', key)
      .update(
        source.buyerSeed === undefined
          ? `request\0${source.requestId}`
          : `buyer\0${source.accountId}\0${source.buyerSeed}`,
      )
      .digest()
      .readUInt32BE(0) >>> 1;
}

export const newSamplingSecret = (): string => randomBytes(32).toString('base64url');
