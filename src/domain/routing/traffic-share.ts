// The blast-radius cap: no host above max(25%, 2/N) of a model's recent traffic. A window of the last requests'
// hosts per model; a host over its share goes behind the others (still a fallback, never the first choice).

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
