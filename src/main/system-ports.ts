// The real clock and id source, for the composition roots (the domain and app layers get them passed in).
import { randomBytes, randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Clock, Ids } from '../app/ports.ts';

export const systemClock: Clock = { nowMs: () => Date.now() };

export const cryptoIds: Ids = {
  newId: (prefix) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
  newSecret: () => randomBytes(18).toString('base64url'),
};

/** This user's cache for Agora (under XDG_CACHE_HOME, else ~/.cache): a new embedded database's initialised cluster. */
export const userCacheDir = (): string => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'agora');
