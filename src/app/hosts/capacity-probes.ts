// Capacity probes: at random times the market sends a host a synthetic request through the normal paid path,
// billed to the market's own probe account, and measures what the host really delivers: time to first token,
// prefill and decode tokens per second. Routing learns from a probe's answer as from any other (it is one); the
// measurements are kept per host and model for the host's operator and the console. To the host a probe is one
// more request: the same path, headers and request ids, an ordinary prompt, streamed like most traffic.
import { chatCompletionRequestSchema } from '../../contracts/openai/completion-request.ts';
import { MarketError } from '../../contracts/errors/market-error.ts';
import type { CapacityMeasurement } from './capacity-store.ts';
import type { ApiKeyRecord, Clock, Logger } from '../ports.ts';
import type { MarketCatalog } from '../v1/market-catalog.ts';
import type { CompletionInput, Served } from '../v1/serve-completion.ts';

export type CapacityProbeDeps = {
  catalog: MarketCatalog;
  serve(input: CompletionInput): Promise<Served>;
  /** the market's own key, whose account pays for probes (made ready, e.g. topped up, before each probe) */
  probeKey(): Promise<ApiKeyRecord>;
  record(measurement: CapacityMeasurement): Promise<void>;
  clock: Clock;
  random: () => number;
  /** in the same form as a buyer request's id */
  newRequestId(): string;
  logger: Logger;
};

/** Openers of ordinary conversations: a probe must read like traffic, not like a benchmark. */
const PROBE_PROMPTS = [
  'Can you explain what a token is, in two sentences?',
  'Write a short note to a friend about the weekend.',
  'What is a fair price for a cup of coffee?',
  'Summarize the plot of a story about a fox and a dog.',
  'Give me three ideas for a name for a small bakery.',
  'How do I tell if an answer is correct?',
  'Hello! What can you do?',
  'Describe a market in a few words.',
  'What should I pack for a short trip?',
  'Tell me something interesting about the ledger.',
];

/** The delay before the next probe: a Poisson process, so each host is probed every `intervalMs` on average, at times no one can predict. */
export function nextProbeDelayMs(intervalMs: number, hostCount: number, random: () => number): number {
  return (-Math.log(1 - random()) * intervalMs) / Math.max(hostCount, 1);
}

/** One (model, host) pair among those the market routes to, at random. */
export function pickProbeTarget(
  catalog: MarketCatalog,
  random: () => number,
): { modelId: string; hostId: string } | undefined {
  const pairs = catalog
    .list()
    // Probes measure generation speed: an embedding model generates nothing.
    .filter((model) => model.capabilities.includes('chat'))
    .flatMap((model) => model.routes.map((route) => ({ modelId: model.id, hostId: route.host.id })));
  return pairs[Math.floor(random() * pairs.length)];
}

/** Probes one host; undefined when it could not serve (the failure is routing's to count, not a measurement). */
export async function probeHost(
  deps: CapacityProbeDeps,
  target: { modelId: string; hostId: string },
): Promise<CapacityMeasurement | undefined> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(deps.random() * items.length)] as T;
  const body = chatCompletionRequestSchema.parse({
    model: target.modelId,
    messages: [{ role: 'user', content: pick(PROBE_PROMPTS) }],
    max_tokens: 16 + Math.floor(deps.random() * 48),
    stream: true,
    stream_options: { include_usage: true },
    provider: { only: [target.hostId] },
  });
  const startedAt = deps.clock.nowMs();
  let served: Served;
  try {
    served = await deps.serve({
      kind: 'chat',
      body,
      key: await deps.probeKey(),
      requestId: deps.newRequestId(),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    if (error instanceof MarketError) {
      deps.logger.info({ host: target.hostId, code: error.code }, 'capacity probe not served');
      return undefined;
    }
    throw error;
  }
  if (served.kind !== 'stream') return undefined;
  let firstTokenAt: number | undefined;
  let lastTokenAt = startedAt;
  let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  for await (const event of served.events) {
    if (event.type === 'error') return undefined;
    if (event.type === 'usage') usage = event.usage;
    if (event.type === 'delta' && event.text !== '') {
      lastTokenAt = deps.clock.nowMs();
      firstTokenAt ??= lastTokenAt;
    }
  }
  if (firstTokenAt === undefined || !usage) return undefined;
  const ttftMs = Math.max(firstTokenAt - startedAt, 1);
  const decodeMs = lastTokenAt - firstTokenAt;
  return {
    ...target,
    ttftMs,
    prefillTokensPerSecond: (usage.prompt_tokens * 1000) / ttftMs,
    decodeTokensPerSecond:
      usage.completion_tokens > 1 && decodeMs > 0 ? ((usage.completion_tokens - 1) * 1000) / decodeMs : null,
    measuredAtMs: lastTokenAt,
  };
}

/** Probes a random host and records what it measured. */
export async function probeRandomHost(deps: CapacityProbeDeps): Promise<CapacityMeasurement | undefined> {
  const target = pickProbeTarget(deps.catalog, deps.random);
  if (!target) return undefined;
  const measurement = await probeHost(deps, target);
  if (measurement) await deps.record(measurement);
  return measurement;
}
