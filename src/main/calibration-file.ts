// The file `agora verify calibrate` writes: the measured honest distribution, per serving condition and overall,
// with the date, the machine and the reference it was measured against.
import type { CalibrationOutcome } from './calibration.ts';

export function calibrationFile(
  outcome: CalibrationOutcome,
  target: { model: string; engineKind: string; hardwareClass: string; measuredAtMs: number },
) {
  return {
    format: 'agora-verification-profile',
    model: target.model,
    engine_kind: target.engineKind,
    hardware_class: target.hardwareClass,
    measured_at: new Date(target.measuredAtMs).toISOString(),
    measured_on: outcome.hardware,
    engine: outcome.engine,
    reference: outcome.reference,
    honest: outcome.run.overall,
    conditions: outcome.run.conditions,
  };
}
