// Format quality on this gateway instance: every judged answer (the settle step reports it) goes to the routing
// window of its model and host, which sets the host's weight factor, and to the tallies written to the hosts'
// stored scorecards a few times a minute. Only outcomes are kept: never a prompt, an answer or a tool call.
import { isFormatFailure, type FormatOutcome } from '../../domain/formats/format-judge.ts';
import { failureRate, formatFactors, type FormatRules } from '../../domain/formats/format-scorecard.ts';
import { RecentFormats } from '../../domain/routing/format-demotion.ts';

/** Judged answers of one host for one model with one outcome, not yet on the stored scorecard. */
export type FormatTally = { hostId: string; modelId: string; outcome: FormatOutcome; count: number };

/** What routing sees of a host for a model: its window's counts, rate and weight factor. */
export type FormatState = {
  modelId: string;
  hostId: string;
  answers: number;
  failures: number;
  failureRate: number;
  factor: number;
};

export type FormatQuality = {
  /** one judged answer of a host for a model */
  record(modelId: string, hostId: string, outcome: FormatOutcome): void;
  /** each host's routing-weight factor for the model now (absent: 1) */
  factors(modelId: string): ReadonlyMap<string, number>;
  /** the outcomes recorded since the last call, for the stored scorecards */
  takeTallies(): FormatTally[];
  states(): FormatState[];
};

export function createFormatQuality(rules: FormatRules): FormatQuality {
  const windows = new Map<string, RecentFormats>();
  const factors = new Map<string, Map<string, number>>();
  let pending = new Map<string, FormatTally>();
  return {
    record(modelId, hostId, outcome) {
      const window = windows.get(modelId) ?? new RecentFormats();
      windows.set(modelId, window);
      window.record(hostId, isFormatFailure(outcome));
      factors.set(modelId, formatFactors(window.counts(), rules));
      const key = JSON.stringify([hostId, modelId, outcome]);
      const tally = pending.get(key) ?? { hostId, modelId, outcome, count: 0 };
      pending.set(key, { ...tally, count: tally.count + 1 });
    },
    factors: (modelId) => factors.get(modelId) ?? new Map(),
    takeTallies() {
      const taken = [...pending.values()];
      pending = new Map();
      return taken;
    },
    states: () =>
      [...windows].flatMap(([modelId, window]) =>
        [...window.counts()].map(([hostId, counts]) => ({
          modelId,
          hostId,
          ...counts,
          failureRate: failureRate(counts),
          factor: factors.get(modelId)?.get(hostId) ?? 1,
        })),
      ),
  };
}
