// `agora sandbox --scenario format-failures`: a market where one host's engine breaks its tool calls. A market on a
// fresh embedded database, an honest `agora host --engine builtin` process, and `agora host --engine <url>` in
// front of `agora sandbox-engine` (the built-in model with a share of its tool calls broken). Seeded requests that
// must call a tool go through the real paid path; every answer is judged. The run reads the result where people
// read it — `agora host status` of each host, `/metrics`, the buyer's usage records (which host served what) — and
// ends with one JSON line for tools.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import { DEFAULT_FORMAT_RULES } from '../domain/formats/format-scorecard.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { BUILTIN_MODEL_ID } from './builtin-model.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket } from './market.ts';
import { runAgora, spawnAgora, spawnHost } from './sandbox-processes.ts';
import { cryptoIds } from './system-ports.ts';

export type FormatFailuresOptions = {
  seed: number;
  requests: number;
  /** the share of tool-calling answers the broken engine breaks */
  brokenShare: number;
  modelCacheDir: string;
  say(line: string): void;
};

export type FormatFailuresResult = {
  scenario: 'format-failures';
  seed: number;
  /** the broken host's rate well above the honest one's, its share of traffic at most half what it was, /metrics agrees */
  ok: boolean;
  requests: number;
  statuses: Record<string, number>;
  broken_host: string;
  honest_host: string;
  broken_host_answers: number;
  broken_host_failure_rate: number;
  broken_host_failures_by_kind: Record<string, number>;
  honest_host_answers: number;
  honest_host_failure_rate: number;
  /** the broken host's share of the first fifth of the requests, and of the last third */
  broken_host_share_before: number;
  broken_host_share_after: number;
  /** /metrics: the broken host's routing-weight factor and its format failures counted */
  broken_host_weight: number | null;
  metrics_broken_host_failures: number;
  /** whether the broken engine's model was launched from a manifest (not yet: it serves the built-in SKU) */
  model_from_manifest: boolean;
};

/** Two tools with required string arguments (the tools scenario calls them too). */
export const SANDBOX_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The current weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'The time now in a time zone',
      parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
    },
  },
];
const PROMPTS = [
  'What is the weather in Oslo? Use get_weather.',
  'Is it raining in Lima right now? Call get_weather.',
  'What time is it in Tokyo? Use get_time.',
  'Tell me the time in Europe/Paris with get_time.',
];

/** One request of the seeded mix: a tool call required (any tool, or the one named), streamed or not. */
function toolRequest(prng: ReturnType<typeof createPrng>): Record<string, unknown> {
  const prompt = PROMPTS[prng.nextUint32() % PROMPTS.length] as string;
  const named = prompt.includes('get_weather') ? 'get_weather' : 'get_time';
  return {
    model: BUILTIN_MODEL_ID,
    messages: [{ role: 'user', content: prompt }],
    tools: SANDBOX_TOOLS,
    tool_choice: prng.nextUnit() < 0.5 ? 'required' : { type: 'function', function: { name: named } },
    temperature: prng.nextUnit() < 0.5 ? 0 : 0.7,
    max_tokens: 96,
    stream: prng.nextUnit() < 0.5,
  };
}

type Scorecard = {
  model: string;
  answers: number;
  failures: number;
  failure_rate: number;
  failures_by_kind: Record<string, number>;
};

export async function runFormatFailuresSandbox(options: FormatFailuresOptions): Promise<FormatFailuresResult> {
  const { say } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-formats-'));
  const market = await startMarket(localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir }));
  const children: ChildProcess[] = [];
  try {
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyer = await createAccount(admin, 'Sandbox buyer');
    await grantCredits(admin, buyer, 1_000_000_000_000n, `sandbox-formats-${options.seed}`);
    const { key } = await issueKey(admin, buyer, 'buyer', unlimitedKey(buyer));

    const engine = await spawnAgora(
      ['sandbox-engine', '--broken-share', String(options.brokenShare)],
      /^Engine ready: (\S+)/m,
      options.modelCacheDir,
    );
    children.push(engine.child);
    const hostDirs = { honest: join(dataDir, 'honest-host'), broken: join(dataDir, 'broken-host') };
    const [honest, broken] = await Promise.all([
      spawnHost(market.url, hostDirs.honest, 'honest', options.modelCacheDir),
      spawnHost(market.url, hostDirs.broken, 'broken', options.modelCacheDir, engine.match[1] as string),
    ]);
    children.push(honest.child, broken.child);
    say(
      `market ${market.url}: honest host ${honest.hostId} (built-in engine), broken host ${broken.hostId} (agora host --engine ${engine.match[1]}: breaks ${options.brokenShare * 100} % of tool calls); seed ${options.seed}`,
    );

    // Three at a time, so both hosts carry load; each request's response id says, through usage, who served it.
    const prng = createPrng(options.seed);
    const bodies = Array.from({ length: options.requests }, () => toolRequest(prng));
    const responseIds: Array<string | undefined> = [];
    const statuses: Record<string, number> = {};
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const index = next++;
        const response = await fetch(`${market.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(bodies[index]),
        });
        const text = await response.text();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        responseIds[index] = /"id":"chatcmpl-([^"]+)"/.exec(text)?.[1];
      }
    };
    await Promise.all(Array.from({ length: 3 }, worker));
    say(`${options.requests} requests that must call a tool: ${JSON.stringify(statuses)}`);

    const usage = (await (
      await fetch(`${market.url}/v1/usage?limit=10000`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { data: Array<{ request_id: string; host: string | null }> };
    const hostOf = new Map(usage.data.map((r) => [r.request_id, r.host]));
    const served = responseIds.map((id) => (id === undefined ? undefined : hostOf.get(id)));
    const shareOf = (slice: Array<string | null | undefined>) =>
      slice.length === 0 ? 0 : slice.filter((h) => h === broken.hostId).length / slice.length;
    const before = shareOf(served.slice(0, Math.ceil(served.length / 5)));
    const after = shareOf(served.slice(-Math.ceil(served.length / 3)));
    say(`the broken host served ${pct(before)} of the first fifth of the requests and ${pct(after)} of the last third`);

    // The scorecards as each host reads its own (`agora host status`), once the gateway's tallies are written.
    const scorecard = async (dir: string): Promise<Scorecard | undefined> => {
      const status = JSON.parse(
        await runAgora(['host', 'status', '--market', market.url, '--data-dir', dir], options.modelCacheDir),
      ) as { formats: Scorecard[] };
      return status.formats.find((f) => f.model === BUILTIN_MODEL_ID);
    };
    let cards = await Promise.all([scorecard(hostDirs.broken), scorecard(hostDirs.honest)]);
    for (let tries = 0; tries < 4; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const again = await Promise.all([scorecard(hostDirs.broken), scorecard(hostDirs.honest)]);
      const settled = again.every((card, i) => card?.answers === cards[i]?.answers);
      cards = again;
      if (settled && cards[0] !== undefined) break;
    }
    const [brokenCard, honestCard] = cards;
    say(`agora host status, broken host: ${JSON.stringify(brokenCard ?? null)}`);
    say(`agora host status, honest host: ${JSON.stringify(honestCard ?? null)}`);

    const metrics = parseMetrics(await (await fetch(`${market.url}/metrics`)).text());
    const weight =
      metrics.find(
        (m) =>
          m.name === 'agora_host_format_weight' &&
          m.labels['host'] === broken.hostId &&
          m.labels['model'] === BUILTIN_MODEL_ID,
      )?.value ?? null;
    const metricFailures = metrics
      .filter(
        (m) =>
          m.name === 'agora_format_answers_total' && m.labels['host'] === broken.hostId && m.labels['outcome'] !== 'ok',
      )
      .reduce((sum, m) => sum + m.value, 0);
    say(
      `/metrics: agora_host_format_weight of the broken host ${String(weight)}, its format failures ${metricFailures}`,
    );

    const brokenRate = brokenCard?.failure_rate ?? 0;
    const honestRate = honestCard?.failure_rate ?? 0;
    return {
      scenario: 'format-failures',
      seed: options.seed,
      ok:
        statuses['200'] === options.requests &&
        brokenRate > honestRate + 2 * DEFAULT_FORMAT_RULES.margin &&
        honestRate <= DEFAULT_FORMAT_RULES.margin &&
        after < before / 2 &&
        weight !== null &&
        weight < 1 &&
        metricFailures === brokenCard?.failures,
      requests: options.requests,
      statuses,
      broken_host: broken.hostId,
      honest_host: honest.hostId,
      broken_host_answers: brokenCard?.answers ?? 0,
      broken_host_failure_rate: round(brokenRate),
      broken_host_failures_by_kind: brokenCard?.failures_by_kind ?? {},
      honest_host_answers: honestCard?.answers ?? 0,
      honest_host_failure_rate: round(honestRate),
      broken_host_share_before: round(before),
      broken_host_share_after: round(after),
      broken_host_weight: weight,
      metrics_broken_host_failures: metricFailures,
      model_from_manifest: false,
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;

/** Prometheus text exposition lines as name, labels and value (comments skipped). */
export function parseMetrics(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text.split('\n').flatMap((line) => {
    const sample = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) return [];
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    return [{ name: sample[1] as string, labels, value: Number(sample[3]) }];
  });
}
