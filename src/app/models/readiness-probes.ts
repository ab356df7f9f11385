// Readiness probes: the prompts a model's manifest names, sent to a host's engine as ordinary greedy chat requests;
// each answer is compared with the reference's by token edit distance under the model's own tokenizer. Used when a
// host joins (it serves the model only if it is ready) and when a new version must prove a host can serve it.
import type { ReadinessProbe } from '../../contracts/models/model-manifest.ts';
import { probeDistance, probesPass } from '../../domain/verification/probe-distance.ts';
import { readHostEmbeddings } from '../../contracts/openai/embedding-response.ts';
import type { EngineClient, Ids, Tokenizer } from '../ports.ts';

/** `embedding`: an embedding model's vectors; its probes are embedded, each answer one vector of that length. */
export type Readiness = {
  distance: number;
  probes: readonly ReadinessProbe[];
  embedding?: { dimensions: number } | undefined;
};
/** `bearer`: a host agent's forward secret (operator-registered engines have none). */
export type ProbeTarget = { baseUrl: string; bearer: string | null; upstreamModel: string };
export type ProbeOutcome = { passed: boolean; distances: number[]; reason: string | null };

const PROBE_TIMEOUT_MS = 30_000;

export async function runReadinessProbes(
  deps: { engines: EngineClient; ids: Ids },
  target: ProbeTarget,
  readiness: Readiness,
  tokenizer: Tokenizer,
): Promise<ProbeOutcome> {
  if (readiness.embedding) return embeddingProbes(deps, target, readiness.probes, readiness.embedding.dimensions);
  const distances: number[] = [];
  for (const probe of readiness.probes) {
    let text: string;
    try {
      const response = await deps.engines.send({
        baseUrl: target.baseUrl,
        path: '/v1/chat/completions',
        body: {
          model: target.upstreamModel,
          messages: [{ role: 'user', content: probe.prompt }],
          max_tokens: probe.max_tokens,
          temperature: 0,
        },
        bearer: target.bearer,
        requestId: deps.ids.newId('probe'),
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        stream: false,
      });
      if (response.kind !== 'json') return { passed: false, distances, reason: 'the host streamed a JSON request' };
      text = response.answer.choices[0]?.text ?? '';
    } catch (error) {
      return { passed: false, distances, reason: `the probe failed: ${(error as Error).message}` };
    }
    // Both answers are cut to the probe's length: an engine may stop at max_tokens where the reference stopped on its own.
    const expected = tokenizer.encode(probe.expect ?? '').slice(0, probe.max_tokens);
    const answered = tokenizer.encode(text).slice(0, probe.max_tokens);
    distances.push(Math.round(probeDistance(expected, answered) * 1e4) / 1e4);
  }
  const passed = probesPass(distances, readiness.distance);
  return {
    passed,
    distances,
    reason: passed
      ? null
      : `the readiness probes' distances ${distances.join(', ')} are not all within the model's ${readiness.distance}`,
  };
}

/**
 * An embedding model's probes: the host embeds each prompt into one vector of the model's length. How close the
 * vectors are to the reference's is the verifier's to judge on sampled answers (cosine distance, decision 023).
 */
async function embeddingProbes(
  deps: { engines: EngineClient; ids: Ids },
  target: ProbeTarget,
  probes: readonly ReadinessProbe[],
  dimensions: number,
): Promise<ProbeOutcome> {
  for (const [i, probe] of probes.entries()) {
    const refused = (reason: string): ProbeOutcome => ({ passed: false, distances: [], reason });
    try {
      const response = await deps.engines.send({
        baseUrl: target.baseUrl,
        path: '/v1/embeddings',
        body: { model: target.upstreamModel, input: probe.prompt },
        bearer: target.bearer,
        requestId: deps.ids.newId('probe'),
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        stream: false,
      });
      if (response.kind !== 'json') return refused('the host streamed a JSON request');
      if (!readHostEmbeddings(response.body, 1, dimensions))
        return refused(`the host's answer to probe ${i} is not one vector of ${dimensions} dimensions`);
    } catch (error) {
      return refused(`the probe failed: ${(error as Error).message}`);
    }
  }
  return { passed: true, distances: [], reason: null };
}
