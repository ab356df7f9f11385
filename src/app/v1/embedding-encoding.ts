// How a vector is written on the wire for `encoding_format`, for the market's answers and the built-in engine's.

/** A vector as the buyer asked for it: numbers, or little-endian float32 bytes in base64 (what the openai SDK asks). */
export function encodeEmbedding(vector: readonly number[], format: 'float' | 'base64'): number[] | string {
  if (format === 'float') return [...vector];
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}
