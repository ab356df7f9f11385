// The file `agora verify calibrate` writes and `POST /admin/verification/profiles` installs: a verification
// profile (the fields the verifier reads) and, beside it, which (SKU, engine kind, hardware class) it is for and
// what it was fitted from. Unknown fields beside those are kept as the calibration's record.
import { z } from 'zod';
import { hardwareClassSchema } from '../hosts/host-requests.ts';
import { verificationProfileSchema } from './verification-profile.ts';

export const calibrationFileSchema = verificationProfileSchema.extend({
  model: z.string().min(1).max(200),
  engine_kind: z.enum(['builtin', 'openai-compatible']),
  hardware_class: hardwareClassSchema,
  /** one request's speed on the honest host at calibration: a host of this class must probe at ≥ half of it */
  decode_tokens_per_second: z.number().positive().nullable(),
});
export type CalibrationFile = z.infer<typeof calibrationFileSchema>;
