import { describe, expect, it } from 'vitest';
import { ENGINE_CAPABILITIES } from '../../domain/engines/engine-capabilities.ts';
import { DEFAULT_BOND_RULES } from '../../domain/economics/bonds.ts';
import type { FormatOutcome } from '../../domain/formats/format-judge.ts';
import { createFormatQuality } from './format-quality.ts';
import { createHostRouter } from './host-router.ts';
import type { ModelRoute } from './market-catalog.ts';

const route = (id: string): ModelRoute => ({
  host: {
    id,
    name: id,
    baseUrl: `http://${id}.invalid`,
    engineKind: 'openai-compatible',
    forwardSecret: null,
    publicKey: null,
    lastSeenAtMs: null,
    leftAtMs: null,
    maxConcurrency: null,
    maintenance: [],
    reputation: 100,
    underDispute: false,
    bond: 0n,
  },
  upstreamModel: 'm',
  ask: null,
  capabilities: ENGINE_CAPABILITIES['openai-compatible'],
});

function market() {
  let seed = 3;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const formats = createFormatQuality({ margin: 0.05, minAnswers: 20, weight: 0.1 });
  const router = createHostRouter({
    clock: { nowMs: () => 1_000 },
    random,
    heartbeatIntervalMs: 5_000,
    bonds: DEFAULT_BOND_RULES,
    formatFactors: (modelId) => formats.factors(modelId),
  });
  const routes = [route('honest'), route('broken')];
  /** the share of first choices the host gets over many requests */
  const firstShare = (hostId: string) => {
    const firsts = Array.from(
      { length: 2000 },
      () => router.candidates({ modelId: 'm', routes, affinityKey: undefined })[0],
    );
    return firsts.filter((r) => r?.host.id === hostId).length / firsts.length;
  };
  const answer = (hostId: string, outcome: FormatOutcome, times: number) => {
    for (let i = 0; i < times; i += 1) formats.record('m', hostId, outcome);
  };
  return { formats, firstShare, answer };
}

describe('routing on format failures', () => {
  it('gives a host failing far more often than the model median about its weight factor of the first choices', () => {
    const { firstShare, answer, formats } = market();
    const before = firstShare('broken');
    answer('honest', 'ok', 30);
    answer('broken', 'unparsable_arguments', 15);
    answer('broken', 'ok', 15);
    const after = firstShare('broken');
    expect(before).toBeGreaterThan(0.3);
    expect(after).toBeLessThan(before * 0.2);
    expect(after).toBeGreaterThan(0);
    expect(formats.states().find((s) => s.hostId === 'broken')).toMatchObject({ failureRate: 0.5, factor: 0.1 });
  });

  it('leaves a host alone until it has the minimum of judged answers', () => {
    const { firstShare, answer } = market();
    answer('honest', 'ok', 30);
    answer('broken', 'unknown_function', 19);
    expect(firstShare('broken')).toBeGreaterThan(0.3);
  });

  it('hands the outcomes to the stored scorecard once, counted per host, model and outcome', () => {
    const { formats, answer } = market();
    answer('broken', 'unknown_function', 2);
    answer('broken', 'ok', 1);
    expect(formats.takeTallies()).toEqual([
      { hostId: 'broken', modelId: 'm', outcome: 'unknown_function', count: 2 },
      { hostId: 'broken', modelId: 'm', outcome: 'ok', count: 1 },
    ]);
    expect(formats.takeTallies()).toEqual([]);
  });
});
