// The bench's arithmetic, apart from its processes: a run's figures from the driver's result and the CPU it read,
// the summary of interleaved rounds (median and best), every target as a multiple of the floor measured in the same
// round (the bare relay), the goals, and the comparison with a committed baseline for `--check`.
// Floor multiples, not absolute figures, are what carry from one machine or one busy minute to another.

/** What load.mjs reports (the fields the bench reads). */
export type DriverResult = {
  rps: number;
  latency_us: { p50: number; p99: number } | null;
  ttfb_us?: { p50: number; p99: number } | null;
  requests: { sent: number; ok: number; non2xx: number; errors: number; unfinished: number };
  stream_check?: { sse_events_per_response: number };
  error_samples?: unknown[];
};

/** pglite: the embedded default (its database on a worker thread); pglite-main: on the request thread (decision 019) */
export type Target = 'direct' | 'relay' | 'postgres' | 'pglite' | 'pglite-main';
export const GATEWAYS: readonly Target[] = ['relay', 'postgres', 'pglite', 'pglite-main'];
export const DEFAULT_GATEWAYS: readonly Target[] = ['relay', 'postgres', 'pglite'];

export type Run = {
  round: number;
  scenario: string;
  target: Target;
  rps: number;
  p50Us: number | null;
  p99Us: number | null;
  ttfbP50Us: number | null;
  failures: number;
  /** the target process's CPU (all its threads) per request sent; the upstream's for `direct` */
  cpuUsPerRequest: number;
  /** the PostgreSQL server's CPU per request (its processes), for the market on PostgreSQL */
  databaseCpuUsPerRequest: number | null;
  /** SSE events per streamed response: CPU per relayed chunk is CPU per request over this */
  chunksPerResponse: number | null;
  /** settlement to durable capture, from the market's histogram over this run */
  captureWaitMs: { p50: number; p99: number } | null;
};

export function runFigures(
  base: Pick<Run, 'round' | 'scenario' | 'target' | 'captureWaitMs'>,
  result: DriverResult,
  cpuUs: number,
  databaseCpuUs: number | null,
): Run {
  const sent = Math.max(1, result.requests.sent);
  return {
    ...base,
    rps: result.rps,
    p50Us: result.latency_us?.p50 ?? null,
    p99Us: result.latency_us?.p99 ?? null,
    ttfbP50Us: result.ttfb_us?.p50 ?? null,
    failures: result.requests.non2xx + result.requests.errors + result.requests.unfinished,
    cpuUsPerRequest: cpuUs / sent,
    databaseCpuUsPerRequest: databaseCpuUs === null ? null : databaseCpuUs / sent,
    chunksPerResponse: result.stream_check?.sse_events_per_response ?? null,
    captureWaitMs: base.captureWaitMs,
  };
}

export function median(values: readonly (number | null)[]): number | null {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const smallest = (values: readonly (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length ? Math.min(...present) : null;
};

/** One target in one scenario over all rounds. Added figures are paired with the direct run of the same round. */
export type Summary = {
  scenario: string;
  target: Target;
  rps: number | null;
  cpuUsPerRequest: number | null;
  bestCpuUsPerRequest: number | null;
  databaseCpuUsPerRequest: number | null;
  addedP50Us: number | null;
  addedP99Us: number | null;
  addedTtfbP50Us: number | null;
  cpuUsPerChunk: number | null;
  failures: number;
  /** CPU per request over the relay's in the same round, median over rounds; 1 for the relay itself */
  cpuFloorMultiple: number | null;
  /** added p50 and p99 minus the relay's in the same round */
  addedP50OverFloorUs: number | null;
  addedP99OverFloorUs: number | null;
  addedTtfbOverFloorUs: number | null;
  /** CPU per relayed chunk over the relay's, streaming only */
  chunkFloorMultiple: number | null;
  captureWaitMs: { p50: number; p99: number } | null;
};

export function summarize(runs: readonly Run[]): Summary[] {
  const scenarios = [...new Set(runs.map((r) => r.scenario))];
  const targets = [...new Set(runs.map((r) => r.target))];
  const at = (scenario: string, target: Target, round: number) =>
    runs.find((r) => r.scenario === scenario && r.target === target && r.round === round);
  const perChunk = (run: Run | undefined) =>
    run?.chunksPerResponse ? run.cpuUsPerRequest / run.chunksPerResponse : null;
  return scenarios.flatMap((scenario) =>
    targets.map((target) => {
      const own = runs.filter((r) => r.scenario === scenario && r.target === target);
      const paired = (pick: (run: Run, other: Run) => number | null, other: Target) =>
        median(
          own.map((run) => {
            const match = at(scenario, other, run.round);
            return match ? pick(run, match) : null;
          }),
        );
      const added = (field: 'p50Us' | 'p99Us' | 'ttfbP50Us') => (run: Run, direct: Run) =>
        run[field] !== null && direct[field] !== null ? run[field] - direct[field] : null;
      const overFloor = (field: 'p50Us' | 'p99Us' | 'ttfbP50Us') =>
        median(
          own.map((run) => {
            const direct = at(scenario, 'direct', run.round);
            const relay = at(scenario, 'relay', run.round);
            if (!direct || !relay) return null;
            const mine = added(field)(run, direct);
            const floor = added(field)(relay, direct);
            return mine !== null && floor !== null ? mine - floor : null;
          }),
        );
      return {
        scenario,
        target,
        rps: median(own.map((r) => r.rps)),
        cpuUsPerRequest: median(own.map((r) => r.cpuUsPerRequest)),
        bestCpuUsPerRequest: smallest(own.map((r) => r.cpuUsPerRequest)),
        databaseCpuUsPerRequest: median(own.map((r) => r.databaseCpuUsPerRequest)),
        addedP50Us: paired(added('p50Us'), 'direct'),
        addedP99Us: paired(added('p99Us'), 'direct'),
        addedTtfbP50Us: paired(added('ttfbP50Us'), 'direct'),
        cpuUsPerChunk: median(own.map(perChunk)),
        failures: own.reduce((sum, r) => sum + r.failures, 0),
        cpuFloorMultiple: paired((run, relay) => run.cpuUsPerRequest / relay.cpuUsPerRequest, 'relay'),
        addedP50OverFloorUs: overFloor('p50Us'),
        addedP99OverFloorUs: overFloor('p99Us'),
        addedTtfbOverFloorUs: overFloor('ttfbP50Us'),
        chunkFloorMultiple: paired((run, relay) => {
          const mine = perChunk(run);
          const floor = perChunk(relay);
          return mine !== null && floor ? mine / floor : null;
        }, 'relay'),
        captureWaitMs:
          own.some((r) => r.captureWaitMs) && own.length
            ? {
                p50: median(own.map((r) => r.captureWaitMs?.p50 ?? null)) ?? NaN,
                p99: median(own.map((r) => r.captureWaitMs?.p99 ?? null)) ?? NaN,
              }
            : null,
      };
    }),
  );
}

/** A goal of the performance issue, checked on a summary. */
export type Goal = { target: Target; scenario: string; what: string; value: number | null; limit: number };

const CLOSED = /^closed/;
/** the first open-loop scenario (the lowest rate by default): latency goals hold below saturation */
const OPEN = /^open/;
/** The market's billing batch window (src/main/market.ts): an answer's end may wait for it, plus 2 ms, at p99. */
const CAPTURE_WAIT_LIMIT_MS = 5 + 2;

/** The goals for the figures this run measured (a goal whose scenario did not run is left out). */
export function goals(summaries: readonly Summary[], stream: boolean): Goal[] {
  const find = (target: Target, scenario: RegExp | string) =>
    summaries.find(
      (s) =>
        s.target === target && (typeof scenario === 'string' ? s.scenario === scenario : scenario.test(s.scenario)),
    );
  const wanted: Array<{
    target: Target;
    scenario: RegExp | string;
    what: string;
    pick: (s: Summary) => number | null;
    limit: number;
  }> = stream
    ? [
        {
          target: 'postgres',
          scenario: OPEN,
          what: 'added TTFB p50 over the floor (µs)',
          pick: (s) => s.addedTtfbOverFloorUs,
          limit: 1_000,
        },
        {
          target: 'pglite',
          scenario: OPEN,
          what: 'added TTFB p50 over the floor (µs)',
          pick: (s) => s.addedTtfbOverFloorUs,
          limit: 1_000,
        },
        {
          target: 'postgres',
          scenario: CLOSED,
          what: 'CPU per relayed chunk (× floor)',
          pick: (s) => s.chunkFloorMultiple,
          limit: 2,
        },
        {
          target: 'pglite',
          scenario: CLOSED,
          what: 'CPU per relayed chunk (× floor)',
          pick: (s) => s.chunkFloorMultiple,
          limit: 2,
        },
      ]
    : [
        {
          target: 'postgres',
          scenario: CLOSED,
          what: 'CPU per request (× floor)',
          pick: (s) => s.cpuFloorMultiple,
          limit: 2.5,
        },
        {
          target: 'postgres',
          scenario: 'open:500',
          what: 'added p50 over the floor (µs)',
          pick: (s) => s.addedP50OverFloorUs,
          limit: 500,
        },
        {
          target: 'postgres',
          scenario: 'open:1000',
          what: 'added p99 over the floor (µs)',
          pick: (s) => s.addedP99OverFloorUs,
          limit: 5_000,
        },
        {
          target: 'pglite',
          scenario: CLOSED,
          what: 'CPU per request (× floor)',
          pick: (s) => s.cpuFloorMultiple,
          limit: 4,
        },
        {
          target: 'pglite',
          scenario: 'open:500',
          what: 'added p50 over the floor (µs)',
          pick: (s) => s.addedP50OverFloorUs,
          limit: 1_000,
        },
        {
          target: 'pglite',
          scenario: 'open:1000',
          what: 'added p50 over the floor (µs)',
          pick: (s) => s.addedP50OverFloorUs,
          limit: 1_000,
        },
      ];
  if (!stream)
    for (const target of ['postgres', 'pglite'] as const)
      wanted.push({
        target,
        scenario: 'open:500',
        what: 'capture wait p99 (ms)',
        pick: (s) => s.captureWaitMs?.p99 ?? null,
        limit: CAPTURE_WAIT_LIMIT_MS,
      });
  return wanted.flatMap((w) => {
    const summary = find(w.target, w.scenario);
    return summary
      ? [{ target: w.target, scenario: summary.scenario, what: w.what, value: w.pick(summary), limit: w.limit }]
      : [];
  });
}

/** The figures `--check` guards: floor multiples, which carry between machines; keyed "target scenario figure". */
export type Baseline = Record<string, number>;

export function baselineOf(summaries: readonly Summary[]): Baseline {
  const entries: Array<[string, number | null]> = summaries
    .filter((s) => s.target !== 'direct' && s.target !== 'relay')
    .flatMap((s) => [
      [`${s.target} ${s.scenario} cpu_floor_multiple`, s.cpuFloorMultiple],
      [`${s.target} ${s.scenario} chunk_floor_multiple`, s.chunkFloorMultiple],
    ]);
  return Object.fromEntries(entries.filter((e): e is [string, number] => e[1] !== null && Number.isFinite(e[1])));
}

/** What got worse than the baseline by more than `tolerance` (0.25: 25 %); figures either side lacks are skipped. */
export function regressions(
  baseline: Baseline,
  current: Baseline,
  tolerance: number,
): Array<{ figure: string; baseline: number; current: number }> {
  return Object.entries(current).flatMap(([figure, value]) => {
    const before = baseline[figure];
    return before !== undefined && value > before * (1 + tolerance)
      ? [{ figure, baseline: before, current: value }]
      : [];
  });
}

/**
 * Quantile of the observations a Prometheus histogram gained between two scrapes (cumulative bucket counts by upper
 * bound), linear inside the bucket the quantile falls in, as PromQL's histogram_quantile.
 */
export function histogramQuantile(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  q: number,
): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [i, le] of bounds.entries()) {
    const count = counts[i]!;
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    }
    lower = le;
    below = count;
  }
  return null;
}

/** The cumulative buckets of one histogram in Prometheus text exposition. */
export function histogramBuckets(metrics: string, name: string): Map<number, number> {
  return new Map(
    [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map((m) => [
      m[1] === '+Inf' ? Infinity : Number(m[1]),
      Number(m[2]),
    ]),
  );
}
