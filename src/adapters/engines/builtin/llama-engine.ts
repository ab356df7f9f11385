// The built-in inference engine: a GGUF model on llama.cpp (node-llama-cpp, CPU, one thread — two threads stall
// on a shared 2-core machine and give bitwise the same numbers). Generation reads the raw next-token distribution
// and chooses in our code, so every position carries its token id and top-k logprobs, and sampling is seeded.
import {
  getLlama,
  LlamaGrammarEvaluationState,
  LlamaLogLevel,
  TokenBias,
  type Token,
  type ControlledEvaluateInputItem,
  type LlamaModel,
  type LlamaContext,
  type LlamaEmbeddingContext,
} from 'node-llama-cpp';
import { unitLength } from '../../../domain/embeddings/vectors.ts';
import { Template } from '@huggingface/jinja';
import { createPrng } from '../../../domain/tiny-model/prng.ts';
import { chooseToken, type Distribution } from '../../../domain/sampling/token-sampler.ts';
import { adjustDistribution, logitDeltas, type LogitAdjustments } from '../../../domain/sampling/logit-adjustments.ts';
import { createTextDelta } from '../../../domain/sampling/text-delta.ts';
import { endsInsideCharacter, tokenBytesOf } from '../../../domain/sampling/token-bytes.ts';
import { createSequencePool, type SequencePool } from './sequence-pool.ts';

export type TokenLogprob = { id: number; logprob: number };
export type GeneratedToken = TokenLogprob & { top: TokenLogprob[]; text: string };
export type FinishReason = 'stop' | 'length';
export type ChatMessage = { role: string; content: string };

export type GenerateRequest = {
  promptIds: readonly number[];
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  topK: number;
  stop: readonly string[];
  /** logit_bias and presence / frequency penalties: applied before choosing, and the reported top-k is after them */
  adjustments?: LogitAdjustments;
  /** keep generating past end-of-generation tokens (verification runs need a fixed number of positions) */
  ignoreEos?: boolean;
  signal?: AbortSignal;
};

/** What a constrained generation must produce: a value of a schema in the grammar's subset (grammar-schema.ts). */
export type OutputGrammar = { type: 'json_schema'; schema: Record<string, unknown> };

export type GenerationEvent =
  | { type: 'token'; token: GeneratedToken }
  /** text held back until the end (a stop-sequence prefix or half a character) that belongs to no new token */
  | { type: 'text'; text: string }
  | { type: 'finish'; reason: FinishReason };

export type ScoredPosition = {
  claimed: TokenLogprob;
  top: TokenLogprob[];
  /** reference logprobs of extra tokens the caller asked about (e.g. the host's own top-k) */
  extra: Map<number, number>;
};

export type LlamaEngineOptions = {
  modelPath: string;
  sequences?: number;
  queueLimit?: number;
  contextSize?: number;
  /**
   * Each answer's perturbation of the raw distribution before the token is chosen, by the request's seed: the
   * emulated hardware floor of `--floor-profile` (src/domain/verification/floor-emulation.ts); none by default.
   */
  floor?: (seed: number) => (distribution: Distribution) => Distribution;
};

export type LlamaEngine = {
  readonly contextLength: number;
  /** token ids are 0 … vocabularySize − 1 */
  readonly vocabularySize: number;
  tokenize(text: string, options?: { special?: boolean }): number[];
  detokenize(ids: readonly number[]): string;
  /** a token's raw bytes (part of a character for byte-level pieces); its UTF-8 text where the vocabulary is not read */
  tokenBytes(id: number): Uint8Array;
  renderChat(messages: readonly ChatMessage[]): string;
  isEndOfGeneration(id: number): boolean;
  /** the token that ends a turn (what a model that stops on its own produces) */
  readonly endOfGenerationId: number;
  generate(request: GenerateRequest): AsyncGenerator<GenerationEvent>;
  /**
   * Generation under a JSON grammar (llama.cpp's sampler masks every token the grammar forbids): it ends when the
   * JSON value is complete, or at maxTokens. Tokens carry no logprobs (the grammar changed the distribution).
   */
  generateConstrained(request: GenerateRequest, grammar: OutputGrammar): AsyncGenerator<GenerationEvent>;
  score(
    promptIds: readonly number[],
    claimedIds: readonly number[],
    topK: number,
    extra?: readonly (readonly number[])[],
  ): Promise<ScoredPosition[]>;
  /**
   * The embedding of these ids: the last position's final hidden state (the model's own pooling; none for the tiny
   * model), at unit length. One input at a time, on a context of its own made on first use.
   */
  embed(ids: readonly number[]): Promise<number[]>;
  close(): Promise<void>;
};

const toLogprobs = (distribution: ReadonlyArray<readonly [number, number]>, k: number): TokenLogprob[] =>
  distribution.slice(0, k).map(([id, p]) => ({ id, logprob: Math.log(p) }));

export async function loadLlamaEngine(options: LlamaEngineOptions): Promise<LlamaEngine> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const model: LlamaModel = await llama.loadModel({ modelPath: options.modelPath });
  const sequences = options.sequences ?? 4;
  const contextSize = options.contextSize ?? 2048;
  const context: LlamaContext = await model.createContext({ contextSize, sequences, threads: 1, batchSize: 512 });
  const pool: SequencePool = createSequencePool(
    Array.from({ length: sequences }, () => context.getSequence()),
    options.queueLimit ?? 16,
  );
  const template = new Template(String(model.fileInfo.metadata.tokenizer?.chat_template ?? ''));
  const detokenize = (ids: readonly number[]): string => model.detokenize([...ids] as never);
  const ggml = model.fileInfo.metadata.tokenizer?.ggml;
  const vocabBytes = tokenBytesOf({
    kind: model.vocabularyType,
    tokens: ggml?.tokens ?? [],
    types: ggml?.token_type as readonly number[] | undefined,
  });
  const heldTail = vocabBytes ? (ids: readonly number[]) => endsInsideCharacter(vocabBytes, ids) : undefined;

  async function* generate(request: GenerateRequest): AsyncGenerator<GenerationEvent> {
    const sequence = await pool.acquire();
    try {
      const prng = createPrng(request.seed);
      const perturb = options.floor?.(request.seed);
      const decoder = createTextDelta(detokenize, request.stop, heldTail);
      const ids = request.promptIds as number[];
      let input: ControlledEvaluateInputItem[] = [
        ...(ids.slice(0, -1) as never[]),
        [ids.at(-1) as never, { generateNext: { probabilities: true } }],
      ];
      const counts = new Map<number, number>();
      for (let produced = 0; produced < request.maxTokens; produced++) {
        if (request.signal?.aborted) return;
        const result = await sequence.controlledEvaluate(input);
        const probabilities = result.at(-1)?.next.probabilities;
        if (!probabilities) throw new Error('ENGINE_NO_DISTRIBUTION');
        const exact = [...probabilities.entries()] as Array<[number, number]>;
        const raw = perturb ? perturb(exact) : exact;
        // The request's adjustments, by the same function the verifier replays (penalties count the completion).
        const deltas = request.adjustments ? logitDeltas(request.adjustments, counts) : undefined;
        const distribution = deltas && deltas.size > 0 ? adjustDistribution(raw, deltas) : raw;
        const id = chooseToken(distribution, request.temperature, request.topP, prng.nextUnit());
        counts.set(id, (counts.get(id) ?? 0) + 1);
        const top = toLogprobs(distribution, request.topK);
        const chosen =
          distribution === exact ? probabilities.get(id as never) : distribution.find(([t]) => t === id)?.[1];
        const logprob = Math.log(chosen ?? 0);
        if (!request.ignoreEos && model.isEogToken(id as never)) {
          const tail = decoder.flush();
          if (tail.text) yield { type: 'text', text: tail.text };
          yield { type: 'finish', reason: 'stop' };
          return;
        }
        const delta = decoder.push(id);
        yield { type: 'token', token: { id, logprob, top, text: delta.text } };
        if (delta.stopped) {
          yield { type: 'finish', reason: 'stop' };
          return;
        }
        input = [[id as never, { generateNext: { probabilities: true } }]];
      }
      const tail = decoder.flush();
      if (tail.text) yield { type: 'text', text: tail.text };
      yield { type: 'finish', reason: tail.stopped ? 'stop' : 'length' };
    } finally {
      await pool.release(sequence);
    }
  }

  const noBias = TokenBias.for(model);

  async function* generateConstrained(
    request: GenerateRequest,
    output: OutputGrammar,
  ): AsyncGenerator<GenerationEvent> {
    const grammar = await llama.createGrammarForJsonSchema(output.schema as never);
    const sequence = await pool.acquire();
    try {
      const decoder = createTextDelta(detokenize, request.stop, heldTail);
      const ids: number[] = [];
      const closeString = TokenBias.for(model).set('"', { logit: 1e4 });
      const tokens = sequence.evaluate([...request.promptIds] as Token[], {
        grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar }),
        // The tiny model never learnt to close a JSON string: past MAX_STRING_CHARS it is made to.
        tokenBias: () => (openStringLength(detokenize(ids)) >= MAX_STRING_CHARS ? closeString : noBias),
        temperature: request.temperature,
        topP: request.topP,
        seed: request.seed,
      });
      for await (const token of tokens) {
        if (request.signal?.aborted) return;
        if (model.isEogToken(token)) break;
        const id = Number(token);
        ids.push(id);
        const delta = decoder.push(id);
        yield { type: 'token', token: { id, logprob: Number.NaN, top: [], text: delta.text } };
        if (delta.stopped || isCompleteJson(detokenize(ids))) {
          const tail = decoder.flush();
          if (tail.text) yield { type: 'text', text: tail.text };
          yield { type: 'finish', reason: 'stop' };
          return;
        }
        if (ids.length >= request.maxTokens) break;
      }
      const tail = decoder.flush();
      if (tail.text) yield { type: 'text', text: tail.text };
      yield { type: 'finish', reason: ids.length >= request.maxTokens ? 'length' : 'stop' };
    } finally {
      await pool.release(sequence);
    }
  }

  async function score(
    promptIds: readonly number[],
    claimedIds: readonly number[],
    topK: number,
    extra: readonly (readonly number[])[] = [],
  ): Promise<ScoredPosition[]> {
    if (promptIds.length === 0 || claimedIds.length === 0) return [];
    const sequence = await pool.acquire();
    try {
      // Teacher forcing: the distribution for claimed token i is produced at the input token before it.
      const context = [...promptIds, ...claimedIds.slice(0, -1)];
      const firstScored = promptIds.length - 1;
      const input: ControlledEvaluateInputItem[] = context.map((token, at) => {
        if (at < firstScored) return token as never;
        const i = at - firstScored;
        const tokens = [claimedIds[i] as number, ...(extra[i] ?? [])];
        return [
          token as never,
          {
            generateNext: {
              logits: { filter: { tokens: tokens as never[], includeTop: topK } },
              totalLogitWeight: true,
            },
          },
        ];
      });
      const results = await sequence.controlledEvaluate(input);
      return claimedIds.map((claimed, i) => {
        const next = results[firstScored + i]?.next;
        if (!next?.logits || next.totalLogitWeight === undefined) throw new Error('ENGINE_NO_LOGITS');
        const logits = [...next.logits.entries()] as Array<[number, number]>;
        const maxLogit = (logits[0] as [number, number])[1];
        const logNorm = Math.log(next.totalLogitWeight);
        const lp = (logit: number): number => logit - maxLogit - logNorm;
        const byId = new Map(logits.map(([id, logit]) => [id, lp(logit)]));
        return {
          claimed: { id: claimed, logprob: byId.get(claimed) as number },
          top: logits.slice(0, topK).map(([id, logit]) => ({ id, logprob: lp(logit) })),
          extra: new Map((extra[i] ?? []).map((id) => [id, byId.get(id) as number])),
        };
      });
    } finally {
      await pool.release(sequence);
    }
  }

  let embedding: Promise<LlamaEmbeddingContext> | undefined;
  const embed = async (ids: readonly number[]): Promise<number[]> => {
    embedding ??= model.createEmbeddingContext({ contextSize, threads: 1, batchSize: 512 });
    const vector = (await (await embedding).getEmbeddingFor([...ids] as never[])).vector;
    return unitLength([...vector]);
  };

  return {
    contextLength: context.contextSize,
    vocabularySize: ggml?.tokens?.length ?? 0,
    embed,
    tokenize: (text, opts) => [...model.tokenize(text, opts?.special ?? false)] as number[],
    detokenize,
    tokenBytes: (id) => vocabBytes?.(id) ?? new TextEncoder().encode(detokenize([id])),
    renderChat: (messages) => template.render({ messages, add_generation_prompt: true }),
    isEndOfGeneration: (id) => model.isEogToken(id as never),
    endOfGenerationId: Number(model.tokens.eos ?? model.tokens.eot),
    generate,
    generateConstrained,
    score,
    async close() {
      if (embedding) await (await embedding).dispose();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/**
 * Whether the text is one whole JSON object or array: the grammar would allow trailing whitespace for ever, and a
 * tiny model may take it, so generation stops at the closing bracket.
 */
function isCompleteJson(text: string): boolean {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith('}') && !trimmed.endsWith(']')) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

/** How long a string the built-in engine writes under a grammar may grow before it is closed (keys and values). */
const MAX_STRING_CHARS = 24;

/** The characters written so far in a JSON string still open at the end of the text; -1 outside a string. */
function openStringLength(text: string): number {
  let start = -1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (start !== -1 && c === '\\') i += 1;
    else if (c === '"') start = start === -1 ? i : -1;
  }
  return start === -1 ? -1 : text.length - start - 1;
}
