// API keys are shown once and stored only as a SHA-256 hash (they carry 144 random bits, so a fast hash is
// enough); a short prefix identifies a key in lists and usage records without revealing it.
import { createHash } from 'node:crypto';

export const API_KEY_PREFIX = 'sk-agora-';
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export const hashApiKey = (rawKey: string): string => createHash('sha256').update(rawKey).digest('hex');
export const visiblePrefix = (rawKey: string): string => rawKey.slice(0, VISIBLE_PREFIX_LENGTH);
export const formatApiKey = (secret: string): string => `${API_KEY_PREFIX}${secret}`;

/**
 * The most keys not revoked an account may hold. Granting a budget lease reads every key of the account (the key
 * tree's spend limits, domain/limits/key-tree-limits.ts), so this bounds that work as well as an agent's fleet.
 */
export const MAX_LIVE_KEYS_PER_ACCOUNT = 1_000;
