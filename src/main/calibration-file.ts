// The file `agora verify calibrate` writes: the verification profile fitted from the measurement (the fields the
// verifier reads, src/contracts/trust/verification-profile.ts) and, beside it, what it was fitted from — the SKU,
// engine and hardware class it is for, the machine, the honest distribution per serving condition and overall,
// the substitute's, and the honest host's decode speed (the hardware-class check compares probed hosts with it).
import { fitCalibratedProfile } from '../domain/verification/calibrated-profile.ts';
import { summarizeHonestChecks } from '../domain/verification/honest-distribution.ts';
import { MIN_CHECK_POSITIONS } from '../domain/verification/response-check.ts';
import type { CalibrationOutcome } from './calibration.ts';

export type CalibrationSubject = { model: string; engineKind: string; hardwareClass: string; measuredAtMs: number };

export function calibrationFile(outcome: CalibrationOutcome, subject: CalibrationSubject) {
  const measuredAt = new Date(subject.measuredAtMs).toISOString().slice(0, 10);
  const conditions = outcome.run.conditions;
  const profile = fitCalibratedProfile(
    { honest: conditions, substitute: outcome.substitute?.checks, minPositions: MIN_CHECK_POSITIONS },
    {
      name: subject.hardwareClass,
      measuredAt,
      provenance:
        `agora verify calibrate: ${subject.model} on ${outcome.engine}, ${outcome.hardware}, against ${outcome.reference}; ` +
        `honest conditions ${conditions.map((c) => c.name).join(', ')} (${outcome.run.overall.checks} checks of ${MIN_CHECK_POSITIONS} positions); ` +
        `per-check TV threshold and top-1 disagreement 1.5 x the worst honest; ` +
        (outcome.substitute
          ? `pooled test tuned against ${outcome.substitute.name} (${outcome.substitute.checks.length} checks).`
          : 'no substitute served: no pooled test.'),
    },
  );
  return {
    ...profile,
    model: subject.model,
    engine_kind: subject.engineKind,
    hardware_class: subject.hardwareClass,
    measured_on: outcome.hardware,
    engine: outcome.engine,
    reference: outcome.reference,
    decode_tokens_per_second: outcome.decodeTokensPerSecond,
    honest: outcome.run.overall,
    conditions: conditions.map(({ name, concurrency, temperatures, checks }) => ({
      name,
      concurrency,
      temperatures,
      distribution: summarizeHonestChecks(checks),
    })),
    substitute: outcome.substitute
      ? { name: outcome.substitute.name, distribution: summarizeHonestChecks(outcome.substitute.checks) }
      : null,
  };
}
