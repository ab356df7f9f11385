// Routing on format quality: each host's last judged answers for a model (a window, so a host that fixed its engine
// recovers), and the draw that applies a host's weight factor. A host with factor f stays among a request's first
// choices with probability f and otherwise goes behind the others, still a fallback: its share of first choices
// falls to about f of what it was. A draw, not the power-of-two weight, because with two hosts both are always
// drawn and the weight decides nothing (docs/decisions/022-format-failures.md).
import type { FormatCounts } from '../formats/format-scorecard.ts';

type Ring = { failed: boolean[]; next: number; failures: number };

export class RecentFormats {
  private readonly rings = new Map<string, Ring>();
  constructor(private readonly size = 100) {}

  record(hostId: string, failed: boolean): void {
    const ring = this.rings.get(hostId) ?? { failed: [], next: 0, failures: 0 };
    this.rings.set(hostId, ring);
    if (ring.failed.length === this.size) {
      if (ring.failed[ring.next]) ring.failures -= 1;
      ring.failed[ring.next] = failed;
    } else ring.failed.push(failed);
    ring.next = (ring.next + 1) % this.size;
    if (failed) ring.failures += 1;
  }

  /** every host seen, with its judged answers and failures in the window */
  counts(): Map<string, FormatCounts> {
    return new Map([...this.rings].map(([hostId, r]) => [hostId, { answers: r.failed.length, failures: r.failures }]));
  }
}

/** The hosts kept among the first choices for this request, and those demoted behind them (each in given order). */
export function formatTiers<T>(hosts: readonly T[], factorOf: (host: T) => number, random: () => number): [T[], T[]] {
  const kept: T[] = [];
  const demoted: T[] = [];
  for (const host of hosts) {
    const factor = factorOf(host);
    (factor >= 1 || random() < factor ? kept : demoted).push(host);
  }
  return [kept, demoted];
}
