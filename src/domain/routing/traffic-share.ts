// The caps on a host's share of a model's recent traffic: the blast-radius cap (no host above max(25%, 2/N)) and,
// once a host of the model has a bond, each host's bond cap. A window of the last requests' hosts per model; a host
// over a cap goes behind the others (still a fallback, never the first choice).
import { bondedShareCap, type BondRules } from '../economics/bonds.ts';
import type { Nanos } from '../money/nanos.ts';

export const shareCap = (hostCount: number): number => Math.max(0.25, 2 / Math.max(1, hostCount));

/** Below this many recent requests the shares say too little to act on. */
const MIN_SAMPLE = 20;

export class RecentTraffic {
  private readonly ring: string[] = [];
  private readonly counts = new Map<string, number>();
  private next = 0;
  constructor(private readonly size = 200) {}

  record(hostId: string): void {
    if (this.ring.length === this.size) {
      const evicted = this.ring[this.next] as string;
      this.counts.set(evicted, (this.counts.get(evicted) ?? 1) - 1);
      this.ring[this.next] = hostId;
    } else this.ring.push(hostId);
    this.next = (this.next + 1) % this.size;
    this.counts.set(hostId, (this.counts.get(hostId) ?? 0) + 1);
  }

  /** whether the host had more than `cap` (0–1) of the recent requests */
  overCap(hostId: string, cap: number): boolean {
    if (this.ring.length < MIN_SAMPLE) return false;
    return (this.counts.get(hostId) ?? 0) / this.ring.length > cap;
  }
}

/**
 * Hosts in the order the caps put them: within both caps, then over their bond cap only, then over the blast-radius
 * cap. Bond caps bind once a host has a bond: among unbonded hosts alone there is no one to prefer.
 */
export function capTiers<T>(
  hosts: readonly T[],
  recent: RecentTraffic,
  host: (h: T) => { id: string; bond: Nanos },
  rules: BondRules,
): [T[], T[], T[]] {
  const bondsBind = hosts.some((h) => host(h).bond > 0n);
  const overBlast = (h: T) => recent.overCap(host(h).id, shareCap(hosts.length));
  const overBond = (h: T) => bondsBind && recent.overCap(host(h).id, bondedShareCap(host(h).bond, rules));
  const within = hosts.filter((h) => !overBlast(h));
  return [within.filter((h) => !overBond(h)), within.filter(overBond), hosts.filter(overBlast)];
}
