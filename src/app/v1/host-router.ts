// Chooses the host for a request: the least busy of the model's hosts first, then the others in order, so a host
// that fails before the first byte is retried elsewhere. (Health, circuit breakers and reputation come with hosts.)
import type { ModelRoute } from './market-catalog.ts';

export type HostRouter = {
  candidates(routes: readonly ModelRoute[]): ModelRoute[];
  begin(hostId: string): () => void;
};

export function createHostRouter(): HostRouter {
  const outstanding = new Map<string, number>();
  const load = (hostId: string): number => outstanding.get(hostId) ?? 0;
  return {
    candidates: (routes) => [...routes].sort((a, b) => load(a.host.id) - load(b.host.id)),
    begin(hostId) {
      outstanding.set(hostId, load(hostId) + 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        outstanding.set(hostId, load(hostId) - 1);
      };
    },
  };
}
