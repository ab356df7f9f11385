// The real clock and id source, for the composition roots (the domain and app layers get them passed in).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../app/ports.ts';

export const systemClock: Clock = { nowMs: () => Date.now() };

export const cryptoIds: Ids = {
  newId: (prefix) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
  newSecret: () => randomBytes(18).toString('base64url'),
};
