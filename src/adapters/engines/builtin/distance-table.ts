// The substitute-detection experiment over every generated variant: each variant serves as a host, the reference
// engine scores it. Used by `agora models distances` and by the test that guards the verification threshold.
import {
  measureSubstituteDistance,
  type DistanceReport,
} from '../../../app/verification/measure-substitute-distance.ts';
import { describeVariant, VARIANT_NAMES, type VariantName } from '../../../domain/tiny-model/model-variant.ts';
import { engineUnderTest } from './engine-under-test.ts';
import { loadLlamaEngine, type LlamaEngine } from './llama-engine.ts';
import { ensureTinyModel } from './model-cache.ts';

export const DISTANCE_PROMPTS = [
  'The market',
  'A host runs an open model',
  'Hello!',
  'The ledger keeps',
  'When a host fails,',
  'The quick brown fox',
] as const;

export type DistanceRow = { variant: VariantName; report: DistanceReport };

export async function measureDistanceTable(
  cacheDir: string,
  options: { maxTokens: number; topK: number; onRow?: (row: DistanceRow) => void },
): Promise<DistanceRow[]> {
  const load = async (name: VariantName): Promise<LlamaEngine> =>
    loadLlamaEngine({
      modelPath: (await ensureTinyModel(cacheDir, describeVariant(name))).ggufPath,
      contextSize: 512,
      sequences: 1,
    });
  const reference = await load('reference');
  const rows: DistanceRow[] = [];
  try {
    const prompts = DISTANCE_PROMPTS.map((p) => reference.tokenize(p));
    for (const variant of VARIANT_NAMES) {
      const host = variant === 'reference' ? reference : await load(variant);
      try {
        const report = await measureSubstituteDistance(engineUnderTest(host), reference, prompts, options);
        const row = { variant, report };
        rows.push(row);
        options.onRow?.(row);
      } finally {
        if (host !== reference) await host.close();
      }
    }
  } finally {
    await reference.close();
  }
  return rows;
}

export function formatDistanceTable(rows: readonly DistanceRow[]): string {
  const lines = [
    '| host variant | positions | mean TV@top-k | max TV | top-1 agreement | mean abs Δlogp(claimed) |',
    '|---|---|---|---|---|---|',
  ];
  for (const { variant, report: r } of rows) {
    lines.push(
      `| ${variant} | ${r.positions} | ${r.meanTv.toExponential(2)} | ${r.maxTv.toExponential(2)} | ${r.top1Agreement.toFixed(3)} | ${r.meanAbsClaimedLogprobDelta.toExponential(2)} |`,
    );
  }
  return lines.join('\n');
}
