// Tensor encodings of ggml: F32, F16 and the Q8_0 / Q4_0 block formats. The quantizers follow ggml's reference
// implementations (quantize_row_q8_0_ref / quantize_row_q4_0_ref) with float32 arithmetic emulated by Math.fround,
// so their bytes match llama-quantize --pure.

export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type TensorEncoding = 'f32' | 'f16' | 'q8_0' | 'q4_0';
export const QUANT_BLOCK = 32;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a float32 value, round-to-nearest-even (as F16C `_cvtss_sh`). */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function encodeF32(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

export function encodeF16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, float32ToFloat16Bits(v), true));
  return out;
}

const roundHalfAwayFromZero = (x: number): number => Math.sign(x) * Math.floor(Math.abs(x) + 0.5);

/** Q8_0: per 32 values, an f16 scale d = amax/127 and 32 int8 round(x/d). 34 bytes per block. */
export function encodeQ8_0(values: Float32Array): Uint8Array {
  assertBlocks(values.length);
  const blocks = values.length / QUANT_BLOCK;
  const out = new Uint8Array(blocks * 34);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const base = b * QUANT_BLOCK;
    let amax = 0;
    for (let j = 0; j < QUANT_BLOCK; j++) amax = Math.max(amax, Math.abs(values[base + j] as number));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    view.setUint16(b * 34, float32ToFloat16Bits(d), true);
    for (let j = 0; j < QUANT_BLOCK; j++) {
      view.setInt8(b * 34 + 2 + j, roundHalfAwayFromZero(Math.fround((values[base + j] as number) * id)));
    }
  }
  return out;
}

/** Q4_0: per 32 values, an f16 scale d = (value of largest magnitude)/-8 and 32 nibbles min(15, trunc(x/d + 8.5)). */
export function encodeQ4_0(values: Float32Array): Uint8Array {
  assertBlocks(values.length);
  const blocks = values.length / QUANT_BLOCK;
  const half = QUANT_BLOCK / 2;
  const out = new Uint8Array(blocks * 18);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const base = b * QUANT_BLOCK;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QUANT_BLOCK; j++) {
      const v = values[base + j] as number;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    view.setUint16(b * 18, float32ToFloat16Bits(d), true);
    const nibble = (v: number): number => Math.min(15, Math.trunc(Math.fround(Math.fround(v * id) + 8.5)));
    for (let j = 0; j < half; j++) {
      const lo = nibble(values[base + j] as number);
      const hi = nibble(values[base + half + j] as number);
      out[b * 18 + 2 + j] = lo | (hi << 4);
    }
  }
  return out;
}

function assertBlocks(length: number): void {
  if (length % QUANT_BLOCK !== 0) throw new Error(`TINY_MODEL_ROW_NOT_BLOCK_ALIGNED: ${length} values`);
}

export function encodeTensor(values: Float32Array, encoding: TensorEncoding): { ggmlType: number; bytes: Uint8Array } {
  switch (encoding) {
    case 'f32':
      return { ggmlType: GGML_TYPE.F32, bytes: encodeF32(values) };
    case 'f16':
      return { ggmlType: GGML_TYPE.F16, bytes: encodeF16(values) };
    case 'q8_0':
      return { ggmlType: GGML_TYPE.Q8_0, bytes: encodeQ8_0(values) };
    case 'q4_0':
      return { ggmlType: GGML_TYPE.Q4_0, bytes: encodeQ4_0(values) };
  }
}
