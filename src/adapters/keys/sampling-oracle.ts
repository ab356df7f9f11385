// The keyed hash behind sampling decisions: HMAC-SHA256(secret, request id), its first 48 bits read as a number in
// [0, 1). Without the secret a host cannot tell which request ids fall under its sampling rate.
import { createHmac, randomBytes } from 'node:crypto';

export function hmacSamplingUnit(secret: string): (requestId: string) => number {
  return (requestId) => createHmac('sha256', secret).update(requestId).digest().readUIntBE(0, 6) / 2 ** 48;
}

export const newSamplingSecret = (): string => randomBytes(32).toString('base64url');
