// `agora sandbox --scenario embeddings`: embeddings as a buyer sees them and as the verifier checks them. A market on
// a fresh embedded database with its built-in host (honest) and a host agent serving `agora-tiny-embed` from noisy
// weights (a substitute that is close, but not the SKU). The buyer embeds a string, an array, token ids, base64 and
// shortened vectors (pinned to the honest host, so the encodings can be compared exactly); then seeded traffic goes
// to both hosts, the verifier re-embeds sampled inputs on the reference and compares by cosine distance, until the
// cheater is convicted. Ends with one JSON line for tools.
import { join } from 'node:path';
import type { CheckEvent } from '../app/verification/verifier.ts';
import { shorten } from '../domain/embeddings/vectors.ts';
import { formatNanos } from '../domain/money/nanos.ts';
import { describeVariant } from '../domain/tiny-model/model-variant.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { ensureTinyModel } from '../adapters/engines/builtin/model-cache.ts';
import { BUILTIN_EMBED_MODEL_ID } from './builtin-model.ts';
import { startHostAgent } from './host-agent.ts';
import { openSandboxMarket } from './sandbox-market.ts';

export type EmbeddingsSandboxOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type EmbeddingsSandboxResult = {
  scenario: 'embeddings';
  seed: number;
  ok: boolean;
  /** vectors the buyer received, and whether every form (string, array, ids, base64, dimensions) was right */
  embeddings: number;
  forms_ok: boolean;
  /** the honest host's vectors re-embedded on the reference, all passing; the largest cosine distance among them */
  verified: number;
  honest_distance_max: number;
  honest_convicted: boolean;
  cheater_convicted: boolean;
  cheater_distance_mean: number;
  checks_to_conviction: number;
  requests: number;
  refunded: string;
};

const SENTENCES = [
  'The market meters every token itself.',
  'Hosts are paid per epoch, with a hold-back.',
  'A verifier re-scores sampled answers on a reference engine.',
  'Prices move with demand.',
  'The ledger never loses a nano-unit.',
  'Agents call tools and want JSON they can parse.',
  'A cheater serves other weights under the same SKU.',
  'Buyers hold credits; sub-keys have spend limits.',
];
const MAX_REQUESTS = 160;
const ROUND_REQUESTS = 16;

type EmbeddingList = { data: Array<{ index: number; embedding: number[] | string }>; usage: { prompt_tokens: number } };

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const isUnit = (v: readonly number[]) => Math.abs(norm(v) - 1) < 1e-5;
/** `encoding_format: base64`: little-endian float32, as the OpenAI SDK decodes it. */
const fromBase64 = (text: string): number[] => {
  const bytes = Buffer.from(text, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
};

export async function runEmbeddingsSandbox(options: EmbeddingsSandboxOptions): Promise<EmbeddingsSandboxResult> {
  const { say, seed } = options;
  const checks: CheckEvent[] = [];
  const sandbox = await openSandboxMarket('embeddings', {
    ...options,
    market: {
      builtinHosts: 1,
      // the verifier drains only when told: each round of traffic is verified before the next (market.verifyNow)
      verification: { samplingFloor: 0.02, workerIntervalMs: 3_600_000 },
      onVerificationCheck: (event) => {
        if (event.modelId === BUILTIN_EMBED_MODEL_ID) checks.push(event);
      },
    },
  });
  const { market } = sandbox;
  const noisy = await ensureTinyModel(options.modelCacheDir, describeVariant('noise'));
  const cheater = await startHostAgent({
    marketUrl: market.url,
    engine: { kind: 'builtin', weights: noisy },
    maxConcurrency: 4,
    dataDir: join(sandbox.dataDir, 'cheater'),
    modelCacheDir: options.modelCacheDir,
    listenHost: '127.0.0.1',
    port: 0,
    name: 'cheater-noise',
  });
  try {
    const honestId = market.hosts[0]?.hostId ?? '';
    const key = await sandbox.buyer('Sandbox buyer', 1_000_000_000_000n);
    say(
      `market ${market.url}: honest built-in host ${honestId}, cheater ${cheater.hostId} serving ${BUILTIN_EMBED_MODEL_ID} from noisy weights; seed ${seed}`,
    );
    const prng = createPrng(seed);
    const pick = () => SENTENCES[prng.nextUint32() % SENTENCES.length] as string;
    const embed = async (body: object): Promise<EmbeddingList> => {
      const response = await sandbox.call(key, 'POST', '/v1/embeddings', { model: BUILTIN_EMBED_MODEL_ID, ...body });
      if (response.status !== 200)
        throw new Error(`SANDBOX_EMBEDDINGS: HTTP ${response.status}: ${await response.text()}`);
      return (await response.json()) as EmbeddingList;
    };
    let received = 0;
    const vectorsOf = (list: EmbeddingList): number[][] => {
      received += list.data.length;
      return list.data.map((d) => (typeof d.embedding === 'string' ? fromBase64(d.embedding) : d.embedding));
    };

    // Every form of input and output, from the honest host: the encodings of one text must agree.
    const honest = { provider: { only: [honestId] } };
    const text = pick();
    const many = [pick(), pick(), pick()];
    const [float] = vectorsOf(await embed({ ...honest, input: text, encoding_format: 'float' }));
    const array = vectorsOf(await embed({ ...honest, input: many, encoding_format: 'float' }));
    const ids = vectorsOf(await embed({ ...honest, input: [[10, 11, 12, 13], [14]], encoding_format: 'float' }));
    const [base64] = vectorsOf(await embed({ ...honest, input: text, encoding_format: 'base64' }));
    const [short] = vectorsOf(await embed({ ...honest, input: text, encoding_format: 'float', dimensions: 64 }));
    const full = float ?? [];
    const forms = {
      string: full.length === 640 && isUnit(full),
      array: array.length === 3 && array.every(isUnit),
      token_ids: ids.length === 2 && ids.every(isUnit),
      // float32 on the wire: the same vector to float32's precision
      base64: base64?.length === 640 && base64.every((x, i) => Math.abs(x - (full[i] ?? NaN)) <= 1e-6),
      dimensions: short?.length === 64 && shorten(full, 64).every((x, i) => Math.abs(x - (short[i] ?? NaN)) < 1e-9),
    };
    const wrong = Object.entries(forms).flatMap(([form, right]) => (right ? [] : [form]));
    const formsOk = wrong.length === 0;
    say(
      `forms: a string (${full.length} dimensions, |v| ${norm(full).toFixed(6)}), ${array.length} strings, ${ids.length} token-id inputs, base64, dimensions 64: ${formsOk ? 'right' : `WRONG: ${wrong.join(', ')}`}`,
    );

    // Seeded traffic to both hosts in rounds, each verified before the next, until the cheater is convicted.
    const convicted = () => checks.some((c) => c.hostId === cheater.hostId && c.conviction);
    let sent = 0;
    while (sent < MAX_REQUESTS && !convicted()) {
      const round = Array.from({ length: ROUND_REQUESTS }, () =>
        Array.from({ length: 1 + (prng.nextUint32() % 3) }, pick),
      );
      sent += round.length;
      // four at a time, so both hosts carry load
      for (let i = 0; i < round.length; i += 4)
        await Promise.all(round.slice(i, i + 4).map(async (input) => vectorsOf(await embed({ input }))));
      await market.flushBilling();
      await market.verifyNow?.();
    }

    const of = (hostId: string) => checks.filter((c) => c.hostId === hostId);
    for (const c of checks)
      say(
        `check ${c.hostId === cheater.hostId ? 'cheater' : 'honest '}: ${c.verdict.passed ? 'passed' : 'FAILED'}  mean cosine distance ${c.verdict.meanTv.toExponential(2)} over ${c.verdict.positions} vectors${c.conviction ? `  CONVICTED: ${c.conviction.responsesRefunded} answers refunded (${formatNanos(c.conviction.refunded)})` : ''}`,
      );
    const honestChecks = of(honestId);
    const cheaterChecks = of(cheater.hostId);
    const conviction = cheaterChecks.find((c) => c.conviction)?.conviction;
    const honestConvicted = honestChecks.some((c) => c.conviction);
    const verified = honestChecks.filter((c) => c.verdict.passed).reduce((n, c) => n + c.verdict.positions, 0);
    const honestDistanceMax = Math.max(0, ...honestChecks.map((c) => c.verdict.maxTv));
    const cheaterMean =
      cheaterChecks.reduce((s, c) => s + c.verdict.meanTv * c.verdict.positions, 0) /
      Math.max(
        1,
        cheaterChecks.reduce((n, c) => n + c.verdict.positions, 0),
      );
    return {
      scenario: 'embeddings',
      seed,
      ok:
        formsOk &&
        conviction !== undefined &&
        !honestConvicted &&
        verified > 0 &&
        honestChecks.every((c) => c.verdict.passed),
      embeddings: received,
      forms_ok: formsOk,
      verified,
      honest_distance_max: honestDistanceMax,
      honest_convicted: honestConvicted,
      cheater_convicted: conviction !== undefined,
      cheater_distance_mean: Number(cheaterMean.toExponential(3)),
      checks_to_conviction: cheaterChecks.findIndex((c) => c.conviction) + 1,
      requests: sent + 5,
      refunded: formatNanos(conviction?.refunded ?? 0n),
    };
  } finally {
    await cheater.close();
    await sandbox.close();
  }
}
