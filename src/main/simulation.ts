// `agora sim`: scenarios are JSON files (sim/scenarios by default); a run writes its result as JSON and as an HTML
// page of charts (price, utilization, attacker's and honest host's profit, detections) and ends with one JSON line.
// A liveness scenario's line says whether the market kept serving: refusals for price, utilization after the burst.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { livenessVerdict, type LivenessVerdict } from '../domain/simulation/liveness-verdict.ts';
import { runSimulation, type SimulationResult } from '../domain/simulation/market-simulation.ts';
import { scenarioSchema, type Scenario } from '../contracts/simulation/scenario.ts';
import { DEFAULT_MARKET_RULES } from '../domain/economics/market-rules.ts';
import { formatNanos } from '../domain/money/nanos.ts';
import { PACKAGE_ROOT } from './package-root.ts';

export const BUNDLED_SCENARIOS = join(PACKAGE_ROOT, 'sim', 'scenarios');

export class ScenarioError extends Error {}

export async function loadScenarios(dir: string): Promise<Scenario[]> {
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map((file) => loadScenarioFile(join(dir, file))));
}

async function loadScenarioFile(path: string): Promise<Scenario> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError(`${path}: not JSON (${(error as Error).message})`);
  }
  const result = scenarioSchema.safeParse(parsed);
  if (!result.success)
    throw new ScenarioError(
      `${path}: ${result.error.issues.map((i) => `${i.path.join('.') || 'scenario'}: ${i.message}`).join('; ')}`,
    );
  return result.data;
}

/** A run and its verdict: an attack's (does it pay?) or, for a liveness scenario, whether the market kept serving. */
export type ScenarioRun = { result: SimulationResult; liveness: LivenessVerdict | undefined };

/** Exit 0 exactly when this holds. */
export const runOk = (run: ScenarioRun): boolean => (run.liveness ? run.liveness.ok : !run.result.attackProfitable);

/** The one line for tools that ends every run. */
export const resultLine = ({ result: r, liveness }: ScenarioRun): string =>
  JSON.stringify(
    liveness
      ? {
          scenario: r.scenario,
          seed: r.seed,
          ok: liveness.ok,
          refused_for_price: liveness.refusedForPrice,
          refused_for_capacity: liveness.refusedForCapacity,
          utilization_after_burst: Number(liveness.utilizationAfterBurst.toFixed(4)),
          band: liveness.band,
        }
      : {
          scenario: r.scenario,
          seed: r.seed,
          ok: !r.attackProfitable,
          attack_profitable: r.attackProfitable,
          attacker_profit: formatNanos(r.attackerProfit),
          honest_profit: formatNanos(r.honestProfit),
          detected_at: r.detectedAt,
        },
  );

const resultJson = (run: ScenarioRun, scenario: Scenario): string => {
  const r = run.result;
  return JSON.stringify(
    {
      ...JSON.parse(resultLine(run)),
      description: scenario.description,
      totals: {
        requests: r.totals.requests,
        refunded: formatNanos(r.totals.refunded),
        slashed: formatNanos(r.totals.slashed),
        treasury: formatNanos(r.totals.treasury),
        platform: formatNanos(r.totals.platform),
      },
      detections: r.detections.map((d) => ({
        tick: d.tick,
        host: d.host,
        what: d.what,
        refunded: formatNanos(d.refunded),
        slashed: formatNanos(d.slashed),
      })),
      series: r.series.map((p) => ({
        tick: p.tick,
        prompt_price: formatNanos(p.price),
        utilization: p.utilization,
        attacker_profit: formatNanos(p.attackerProfit),
        honest_profit: formatNanos(p.honestProfit),
      })),
    },
    null,
    2,
  );
};

function svgChart(
  title: string,
  ticks: number,
  lines: Array<{ label: string; color: string; values: Array<[number, number]> }>,
): string {
  const [w, h, pad] = [760, 220, 40];
  const all = lines.flatMap((l) => l.values.map(([, v]) => v));
  const [lo, hi] = [Math.min(0, ...all), Math.max(...all, 1e-12)];
  const x = (t: number) => pad + ((w - 2 * pad) * t) / Math.max(1, ticks);
  const y = (v: number) => h - pad - ((h - 2 * pad) * (v - lo)) / (hi - lo || 1);
  const paths = lines
    .map(
      (l) =>
        `<polyline fill="none" stroke="${l.color}" stroke-width="1.5" points="${l.values.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
    )
    .join('');
  const legend = lines.map((l, i) => `<text x="${pad + i * 220}" y="16" fill="${l.color}">${l.label}</text>`).join('');
  return `<h2>${title}</h2><svg width="${w}" height="${h}" font-family="sans-serif" font-size="12"><line x1="${pad}" y1="${y(0)}" x2="${w - pad}" y2="${y(0)}" stroke="#ccc"/>${paths}${legend}<text x="${pad}" y="${h - 8}">tick 0</text><text x="${w - pad - 60}" y="${h - 8}">tick ${ticks}</text><text x="2" y="${pad}">${hi.toPrecision(3)}</text><text x="2" y="${h - pad}">${lo.toPrecision(3)}</text></svg>`;
}

const livenessSummary = (v: LivenessVerdict): string =>
  `${v.ok ? '<b style="color:#070">the market kept serving</b>' : '<b style="color:#b00">the market failed liveness</b>'}: ${v.refusedForPrice} request(s) refused for price, ${v.refusedForCapacity} for capacity; utilization after the burst ${(100 * v.utilizationAfterBurst).toFixed(1)} % (band ${100 * v.band.low}–${100 * v.band.high} %).`;

const resultHtml = ({ result: r, liveness }: ScenarioRun, scenario: Scenario): string => {
  const units = (n: bigint) => Number(n) / 1e9;
  const verdict = r.attackProfitable
    ? '<b style="color:#b00">the attack is profitable</b>'
    : '<b style="color:#070">the attack does not pay</b>';
  const summary = liveness
    ? livenessSummary(liveness)
    : `${verdict}: attacker ${formatNanos(r.attackerProfit)}, the same hosts honest ${formatNanos(r.honestProfit)}; first detected at ${r.detectedAt === null ? 'never' : `tick ${r.detectedAt}`}.`;
  return `<!doctype html><meta charset="utf-8"><title>agora sim: ${scenario.name} (seed ${r.seed})</title>
<body style="font-family:sans-serif;max-width:820px;margin:2em auto">
<h1>${scenario.name} — seed ${r.seed}</h1><p>${scenario.description}</p>
<p>${summary}</p>
${svgChart('Price per prompt token (nano-units)', scenario.ticks, [{ label: 'price', color: '#06c', values: r.series.map((p) => [p.tick, Number(p.price)]) }])}
${svgChart('Utilization of capacity', scenario.ticks, [{ label: 'utilization', color: '#c60', values: r.series.map((p) => [p.tick, p.utilization]) }])}
${
  liveness
    ? ''
    : svgChart('Profit (units)', scenario.ticks, [
        { label: 'attacker', color: '#b00', values: r.series.map((p) => [p.tick, units(p.attackerProfit)]) },
        {
          label: 'the same hosts, honest',
          color: '#070',
          values: r.series.map((p) => [p.tick, units(p.honestProfit)]),
        },
      ])
}
<h2>Detections</h2><ul>${r.detections.map((d) => `<li>tick ${d.tick}: ${d.host} ${d.what.replace('_', ' ')}${d.refunded > 0n ? `, ${formatNanos(d.refunded)} refunded` : ''}${d.slashed > 0n ? `, ${formatNanos(d.slashed)} slashed` : ''}</li>`).join('') || '<li>none</li>'}</ul>
</body>`;
};

export async function runScenario(
  options: { scenariosDir: string; name: string; seed: number; outDir: string },
  onProgress: (done: number, total: number) => void,
): Promise<ScenarioRun & { files: string[] }> {
  const scenarios = await loadScenarios(options.scenariosDir);
  const scenario = scenarios.find((s) => s.name === options.name);
  if (!scenario)
    throw new ScenarioError(`no scenario '${options.name}' in ${options.scenariosDir} (agora sim --list shows them)`);
  const result = runSimulation(scenario, options.seed, DEFAULT_MARKET_RULES, onProgress);
  const run: ScenarioRun = {
    result,
    liveness:
      scenario.kind === 'liveness' ? livenessVerdict(scenario, result, DEFAULT_MARKET_RULES.pricing) : undefined,
  };
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const base = join(outDir, `${scenario.name}-seed${options.seed}`);
  await writeFile(`${base}.json`, `${resultJson(run, scenario)}\n`);
  await writeFile(`${base}.html`, resultHtml(run, scenario));
  return { ...run, files: [`${base}.json`, `${base}.html`] };
}
