// The readable tiny model ("bigram backbone"): one-hot token embeddings, an output matrix holding the corpus
// bigram log-probabilities (plus jitter so no two logits tie exactly), and random transformer blocks whose
// output projections are scaled down, so every layer moves the distribution without drowning the backbone.
import { encodeBpe, trainBpe, type BpeVocabulary } from './bpe.ts';
import { CHATML_TEMPLATE } from './chat-template.ts';
import { TRAINING_CORPUS } from './corpus.ts';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf-writer.ts';
import { createPrng, uniformWithStd, type Prng } from './prng.ts';
import { encodeTensor } from './quantize.ts';
import { REFERENCE_LAYERS, type ModelVariant } from './model-variant.ts';

export const MODEL_SHAPE = {
  merges: 352,
  embedding: 640,
  heads: 4,
  kvHeads: 2,
  feedForward: 512,
  contextLength: 2048,
  rmsEpsilon: 1e-5,
  ropeFreqBase: 10000,
} as const;

const BACKBONE_SEED = 0x0b16a4;
const NOISE_SEED = 0x0015e;
const BIGRAM_WEIGHT = 0.9;
const LOGIT_JITTER = 0.05;
const PROJECTION_SCALE = 0.3;

export type GeneratedModel = { gguf: Uint8Array; vocab: BpeVocabulary };

export function trainTinyVocabulary(): BpeVocabulary {
  return trainBpe(TRAINING_CORPUS, MODEL_SHAPE.merges);
}

/** Token ids of the corpus as replies: each paragraph is followed by <|im_end|> and "\n". */
function corpusSequence(vocab: BpeVocabulary): number[] {
  const imEnd = vocab.tokens.indexOf('<|im_end|>');
  const newline = encodeBpe(vocab, '\n');
  return TRAINING_CORPUS.split('\n').flatMap((p) => [...encodeBpe(vocab, p), imEnd, ...newline]);
}

function bigramLogits(vocab: BpeVocabulary, prng: Prng): Float32Array {
  const v = vocab.tokens.length;
  const e = MODEL_SHAPE.embedding;
  const seq = corpusSequence(vocab);
  const pair = new Float64Array(v * v);
  const unigram = new Float64Array(v);
  const outgoing = new Float64Array(v);
  for (let i = 0; i < seq.length; i++) {
    const t = seq[i] as number;
    unigram[t] = (unigram[t] as number) + 1;
    if (i + 1 < seq.length) {
      const next = seq[i + 1] as number;
      pair[t * v + next] = (pair[t * v + next] as number) + 1;
      outgoing[t] = (outgoing[t] as number) + 1;
    }
  }
  // output.weight is [V rows][E columns]; column t (< V) reads the one-hot embedding of token t.
  const weights = new Float32Array(v * e);
  const scale = Math.sqrt(e);
  for (let t = 0; t < v; t++) {
    for (let next = 0; next < v; next++) {
      const uni = ((unigram[next] as number) + 1) / (seq.length + v);
      const out = outgoing[t] as number;
      const p = out > 0 ? BIGRAM_WEIGHT * ((pair[t * v + next] as number) / out) + (1 - BIGRAM_WEIGHT) * uni : uni;
      weights[next * e + t] = (Math.log(p) + uniformWithStd(prng, LOGIT_JITTER)) / scale;
    }
  }
  return weights;
}

function oneHotEmbeddings(vocabSize: number): Float32Array {
  const e = MODEL_SHAPE.embedding;
  const weights = new Float32Array(vocabSize * e);
  for (let t = 0; t < vocabSize; t++) weights[t * e + t] = Math.sqrt(e);
  return weights;
}

function randomMatrix(prng: Prng, inputs: number, outputs: number, scale: number): Float32Array {
  const m = new Float32Array(inputs * outputs);
  const std = scale / Math.sqrt(inputs);
  for (let i = 0; i < m.length; i++) m[i] = uniformWithStd(prng, std);
  return m;
}

type NamedTensor = { name: string; dims: [number] | [number, number]; values: Float32Array; isNorm: boolean };

function blockTensors(prng: Prng, layer: number): NamedTensor[] {
  const { embedding: e, heads, kvHeads, feedForward: f } = MODEL_SHAPE;
  const kv = (e / heads) * kvHeads;
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const p = `blk.${layer}.`;
  return [
    { name: `${p}attn_norm.weight`, dims: [e], values: ones(e), isNorm: true },
    { name: `${p}attn_q.weight`, dims: [e, e], values: randomMatrix(prng, e, e, 1), isNorm: false },
    { name: `${p}attn_k.weight`, dims: [e, kv], values: randomMatrix(prng, e, kv, 1), isNorm: false },
    { name: `${p}attn_v.weight`, dims: [e, kv], values: randomMatrix(prng, e, kv, 1), isNorm: false },
    { name: `${p}attn_output.weight`, dims: [e, e], values: randomMatrix(prng, e, e, PROJECTION_SCALE), isNorm: false },
    { name: `${p}ffn_norm.weight`, dims: [e], values: ones(e), isNorm: true },
    { name: `${p}ffn_gate.weight`, dims: [e, f], values: randomMatrix(prng, e, f, 1), isNorm: false },
    { name: `${p}ffn_up.weight`, dims: [e, f], values: randomMatrix(prng, e, f, 1), isNorm: false },
    { name: `${p}ffn_down.weight`, dims: [f, e], values: randomMatrix(prng, f, e, PROJECTION_SCALE), isNorm: false },
  ];
}

function addRelativeNoise(tensors: NamedTensor[], noise: number): void {
  const prng = createPrng(NOISE_SEED);
  for (const t of tensors) {
    if (t.isNorm) continue;
    for (let i = 0; i < t.values.length; i++) {
      t.values[i] = (t.values[i] as number) * (1 + uniformWithStd(prng, noise));
    }
  }
}

function metadata(vocab: BpeVocabulary, variant: ModelVariant): Array<[string, GgufValue]> {
  const { embedding: e, heads, kvHeads, feedForward, contextLength, rmsEpsilon, ropeFreqBase } = MODEL_SHAPE;
  const fileType = { f32: 0, f16: 1, q4_0: 2, q8_0: 7 }[variant.encoding];
  const id = (t: string): number => vocab.tokens.indexOf(t);
  return [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'agora-tiny' }],
    ['general.file_type', { type: 'u32', value: fileType }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.vocab_size', { type: 'u32', value: vocab.tokens.length }],
    ['llama.context_length', { type: 'u32', value: contextLength }],
    ['llama.embedding_length', { type: 'u32', value: e }],
    ['llama.block_count', { type: 'u32', value: variant.layers }],
    ['llama.feed_forward_length', { type: 'u32', value: feedForward }],
    ['llama.attention.head_count', { type: 'u32', value: heads }],
    ['llama.attention.head_count_kv', { type: 'u32', value: kvHeads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: rmsEpsilon }],
    ['llama.rope.dimension_count', { type: 'u32', value: e / heads }],
    ['llama.rope.freq_base', { type: 'f32', value: ropeFreqBase }],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'gpt-2' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    [
      'tokenizer.ggml.token_type',
      { type: 'i32[]', value: vocab.tokens.map((t) => (vocab.specials.includes(t) ? 3 : 1)) },
    ],
    ['tokenizer.ggml.merges', { type: 'string[]', value: vocab.merges.map(([a, b]) => `${a} ${b}`) }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: id('<|endoftext|>') }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: id('<|im_end|>') }],
    ['tokenizer.ggml.padding_token_id', { type: 'u32', value: id('<|endoftext|>') }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }],
  ];
}

export function generateTinyModel(variant: ModelVariant): GeneratedModel {
  const vocab = trainTinyVocabulary();
  const v = vocab.tokens.length;
  const e = MODEL_SHAPE.embedding;
  const backbone = createPrng(BACKBONE_SEED);
  const output = bigramLogits(vocab, backbone);
  const blocks = createPrng(variant.blockSeed);
  const tensors: NamedTensor[] = [
    { name: 'token_embd.weight', dims: [e, v], values: oneHotEmbeddings(v), isNorm: false },
  ];
  // Always draw all reference layers so a truncated variant keeps exactly the reference's first layers.
  for (let layer = 0; layer < REFERENCE_LAYERS; layer++) {
    const block = blockTensors(blocks, layer);
    if (layer < variant.layers) tensors.push(...block);
  }
  tensors.push({ name: 'output_norm.weight', dims: [e], values: new Float32Array(e).fill(1), isNorm: true });
  tensors.push({ name: 'output.weight', dims: [e, v], values: output, isNorm: false });
  if (variant.noise > 0) addRelativeNoise(tensors, variant.noise);
  const encoded: GgufTensor[] = tensors.map((t) => ({
    name: t.name,
    dims: t.dims,
    ...encodeTensor(t.values, t.isNorm ? 'f32' : variant.encoding),
  }));
  return { gguf: writeGguf(metadata(vocab, variant), encoded), vocab };
}
