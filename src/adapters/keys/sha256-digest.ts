// Digests in the one form receipts use, `sha256:<hex>`: of bytes at once, or of a hash fed as bytes stream past.
import { createHash, type Hash } from 'node:crypto';

export const streamingDigest = (): Hash => createHash('sha256');
export const digestOf = (hash: Hash): string => `sha256:${hash.digest('hex')}`;
export const sha256Digest = (bytes: string | Buffer): string => digestOf(streamingDigest().update(bytes));
