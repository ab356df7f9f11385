import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNanos, parseNanos } from './nanos.ts';

describe('nano-unit amounts', () => {
  it('format and parse are exact inverses', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (n) => {
        expect(parseNanos(formatNanos(n))).toBe(n);
      }),
    );
  });

  it('prints exact decimals and refuses what is not one', () => {
    expect(formatNanos(1234n)).toBe('0.000001234');
    expect(formatNanos(1_500_000_000n)).toBe('1.5');
    expect(parseNanos('0.0000000001')).toBeUndefined();
    expect(parseNanos('1e3')).toBeUndefined();
  });
});
