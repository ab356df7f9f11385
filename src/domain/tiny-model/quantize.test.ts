import { describe, expect, it } from 'vitest';
import { encodeF16, encodeQ4_0, encodeQ8_0, float32ToFloat16Bits } from './quantize.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// One 32-value block with exact quarter steps (rounding ties), a negative extreme and two inexact values.
const block = Float32Array.from({ length: 32 }, (_, j) => (j - 16) / 4);
block[5] = 0.1;
block[9] = -0.37;

// Known answers computed independently of this code: ggml's quantize_row_q8_0_ref / quantize_row_q4_0_ref
// transcribed to Python with float32 rounding via struct('<f') and binary16 via struct('<e').
describe('ggml block quantizers', () => {
  it('Q8_0 block equals the reference vector', () => {
    expect(hex(encodeQ8_0(block))).toBe('082881899199a103b1b9c0f4d0d8e0e8f0f8000810182028303840474f575f676f77');
  });

  it('Q4_0 block equals the reference vector', () => {
    expect(hex(encodeQ4_0(block))).toBe('0038809191a2a2b8b3c4c4d7d5e6e6f7f7f8');
  });

  it('F16 conversion rounds to nearest even, saturates and keeps subnormals', () => {
    const cases: Array<[number, string]> = [
      [1.0, '003c'],
      [-2.5, '00c1'],
      [65504, 'ff7b'],
      [1e-7, '0200'],
      [0.333333, '5535'],
      [5.96e-8, '0100'],
      [65519, 'ff7b'],
    ];
    for (const [value, expected] of cases) expect(hex(encodeF16(Float32Array.of(value))), String(value)).toBe(expected);
    expect(float32ToFloat16Bits(Infinity)).toBe(0x7c00);
  });

  it('refuses rows that are not whole blocks', () => {
    expect(() => encodeQ8_0(new Float32Array(33))).toThrow(/BLOCK_ALIGNED/);
  });
});
