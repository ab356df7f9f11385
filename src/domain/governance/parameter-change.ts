// Whether a proposed value may replace a parameter's current one: inside the parameter's hard bounds, at most its
// maximum step away, at most one change per epoch, and leaving the rules consistent (a price band's low end below
// its high end). Checked when a proposal is made and again when it executes (another proposal may have moved the
// value in between); values on the wire are decimal strings at the parameter's scale.
import { MARKET_PARAMETERS, withParameters, type ParameterName } from './market-parameters.ts';
import type { GovernedRules } from './governed-rules.ts';

export type ParameterChangeRefusal =
  | { ok: false; reason: 'out_of_bounds'; min: bigint; max: bigint }
  | { ok: false; reason: 'step_too_large'; maxStep: bigint }
  | { ok: false; reason: 'changed_this_epoch'; epoch: number }
  | { ok: false; reason: 'unchanged' }
  | { ok: false; reason: 'inconsistent'; message: string };

export type ParameterChangeCheck = { ok: true; before: bigint; after: bigint } | ParameterChangeRefusal;

/** What makes a set of rules unusable whatever each value's bounds say; undefined when they are consistent. */
export function rulesInconsistency(rules: GovernedRules): string | undefined {
  const band = rules.market.pricing.band;
  return band.low < band.high ? undefined : 'the price band must have its low end below its high end';
}

export function checkParameterChange(
  rules: GovernedRules,
  name: ParameterName,
  proposed: bigint,
  /** the epoch the change would apply in, and the epoch its last change applied in (undefined: never changed) */
  epochs: { now: number; lastChanged: number | undefined },
): ParameterChangeCheck {
  const spec = MARKET_PARAMETERS[name];
  const before = spec.read(rules);
  if (proposed < spec.min || proposed > spec.max)
    return { ok: false, reason: 'out_of_bounds', min: spec.min, max: spec.max };
  if (proposed === before) return { ok: false, reason: 'unchanged' };
  const step = proposed > before ? proposed - before : before - proposed;
  if (step > spec.maxStep) return { ok: false, reason: 'step_too_large', maxStep: spec.maxStep };
  if (epochs.lastChanged === epochs.now) return { ok: false, reason: 'changed_this_epoch', epoch: epochs.now };
  const message = rulesInconsistency(withParameters(rules, { [name]: proposed }));
  if (message) return { ok: false, reason: 'inconsistent', message };
  return { ok: true, before, after: proposed };
}

/** The decimal string of a scaled value: 400000n at scale 6 is "0.4". */
export function formatScaled(value: bigint, scale: number): string {
  if (scale === 0) return value.toString();
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const unit = 10n ** BigInt(scale);
  const fraction = (abs % unit).toString().padStart(scale, '0').replace(/0+$/, '');
  return `${sign}${abs / unit}${fraction ? `.${fraction}` : ''}`;
}

/** A decimal string at a scale ("0.4" at 6 is 400000n); undefined when it is not one or is finer than the scale. */
export function parseScaled(text: string, scale: number): bigint | undefined {
  const match = /^(-?)(\d{1,19})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > scale) return undefined;
  const value = BigInt(whole as string) * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, '0') || '0');
  return sign ? -value : value;
}

/** A refusal in words, for the API's error message. */
export function describeRefusal(name: ParameterName, refusal: ParameterChangeRefusal): string {
  const { scale } = MARKET_PARAMETERS[name];
  switch (refusal.reason) {
    case 'out_of_bounds':
      return `${name} must be between ${formatScaled(refusal.min, scale)} and ${formatScaled(refusal.max, scale)}.`;
    case 'step_too_large':
      return `${name} may move by at most ${formatScaled(refusal.maxStep, scale)} in one change.`;
    case 'changed_this_epoch':
      return `${name} already changed in epoch ${refusal.epoch}; it changes at most once per epoch.`;
    case 'unchanged':
      return `${name} already has this value.`;
    case 'inconsistent':
      return refusal.message;
  }
}
