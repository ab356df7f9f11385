// A deterministic byte-level BPE trainer and encoder. Ties between equally frequent pairs are broken by string
// order, so the same corpus always gives the same merges, vocabulary and token ids.
import { BYTE_TO_CHAR, preTokenize } from './byte-level.ts';

export type BpeVocabulary = {
  /** token string (byte-level alphabet) by id; ids 0..255 are the single bytes, then merges, then specials */
  tokens: string[];
  merges: [string, string][];
  specials: string[];
};

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

export function trainBpe(corpus: string, mergeCount: number): BpeVocabulary {
  const wordCounts = new Map<string, number>();
  for (const word of preTokenize(corpus)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  const words = [...wordCounts].map(([word, count]) => ({ symbols: [...word], count }));
  const merges: [string, string][] = [];
  for (let m = 0; m < mergeCount; m++) {
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split(' ') as [string, string];
    merges.push([left, right]);
    for (const word of words) word.symbols = mergePair(word.symbols, left, right);
  }
  const tokens = [...BYTE_TO_CHAR, ...merges.map(([a, b]) => a + b), ...SPECIAL_TOKENS];
  return { tokens, merges, specials: [...SPECIAL_TOKENS] };
}

function mergePair(symbols: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else out.push(symbols[i] as string);
  }
  return out;
}

/** Encodes plain text (no special tokens) by applying merges in rank order, as GPT-2 BPE does. */
export function encodeBpe(vocab: BpeVocabulary, text: string): number[] {
  const rank = new Map(vocab.merges.map(([a, b], i) => [`${a} ${b}`, i]));
  const idOf = new Map(vocab.tokens.map((t, i) => [t, i]));
  const ids: number[] = [];
  for (const word of preTokenize(text)) {
    let symbols = [...word];
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = rank.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          bestAt = i;
        }
      }
      if (bestAt < 0) break;
      symbols = mergePair(symbols, symbols[bestAt] as string, symbols[bestAt + 1] as string);
    }
    for (const s of symbols) ids.push(idOf.get(s) as number);
  }
  return ids;
}
