// The registry's invariants under any input: a change is accepted only inside the parameter's bounds and within its
// maximum step, at most once per epoch, and never leaves the price band inverted; every value a change may set reads
// back exactly from the rules it was written into.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GOVERNED_RULES } from './governed-rules.ts';
import { MARKET_PARAMETERS, PARAMETER_NAMES, parameterValues, withParameters } from './market-parameters.ts';
import { checkParameterChange, formatScaled, parseScaled } from './parameter-change.ts';

const name = fc.constantFrom(...PARAMETER_NAMES);

describe('market parameter registry', () => {
  it('accepts a change only within bounds and the maximum step, and refuses one outside either', () => {
    fc.assert(
      fc.property(name, fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (n, proposed) => {
        const spec = MARKET_PARAMETERS[n];
        const before = spec.read(DEFAULT_GOVERNED_RULES);
        const check = checkParameterChange(DEFAULT_GOVERNED_RULES, n, proposed, { now: 3, lastChanged: undefined });
        const step = proposed > before ? proposed - before : before - proposed;
        if (check.ok) {
          expect(proposed >= spec.min && proposed <= spec.max).toBe(true);
          expect(step <= spec.maxStep && step > 0n).toBe(true);
        }
        if (proposed < spec.min || proposed > spec.max) expect(check).toMatchObject({ reason: 'out_of_bounds' });
        else if (step > spec.maxStep) expect(check).toMatchObject({ reason: 'step_too_large' });
      }),
    );
  });

  it('refuses a second change of a parameter in the epoch of its last change', () => {
    const check = checkParameterChange(DEFAULT_GOVERNED_RULES, 'take_rate_bps', 1_100n, { now: 4, lastChanged: 4 });
    expect(check).toMatchObject({ ok: false, reason: 'changed_this_epoch' });
    expect(checkParameterChange(DEFAULT_GOVERNED_RULES, 'take_rate_bps', 1_100n, { now: 5, lastChanged: 4 }).ok).toBe(
      true,
    );
  });

  it('never lets the price band invert', () => {
    const narrow = withParameters(DEFAULT_GOVERNED_RULES, { price_band_low: 500_000n, price_band_high: 550_000n });
    expect(checkParameterChange(narrow, 'price_band_low', 560_000n, { now: 1, lastChanged: undefined })).toMatchObject({
      reason: 'inconsistent',
    });
  });

  it('reads back every in-bounds value exactly, and changes no other parameter', () => {
    fc.assert(
      fc.property(
        name.chain((n) =>
          fc.tuple(fc.constant(n), fc.bigInt({ min: MARKET_PARAMETERS[n].min, max: MARKET_PARAMETERS[n].max })),
        ),
        ([n, value]) => {
          const before = parameterValues(DEFAULT_GOVERNED_RULES);
          const after = parameterValues(withParameters(DEFAULT_GOVERNED_RULES, { [n]: value }));
          expect(after).toEqual({ ...before, [n]: value });
          expect(parameterValues(DEFAULT_GOVERNED_RULES)).toEqual(before);
        },
      ),
    );
  });

  it('writes values as decimal strings that parse back at their scale', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.constantFrom(0, 6, 9), (value, scale) => {
        expect(parseScaled(formatScaled(value, scale), scale)).toBe(value);
      }),
    );
    expect(parseScaled('0.4', 6)).toBe(400_000n);
    expect(parseScaled('0.0000001', 6)).toBeUndefined();
  });
});
