// What a host agent sends the market. The registration is a JSON document signed by the host's Ed25519 key; it
// travels as the exact string that was signed (`payload`), which the market verifies before it parses anything.
import { z } from 'zod';
import { amountSchema } from '../amount.ts';

export const declaredModelSchema = z.strictObject({
  model: z.string().min(1).max(200),
  digest: z.string().min(1).max(200),
  quantization: z.string().min(1).max(50),
  context_length: z.int().min(1),
  ask: z.strictObject({ prompt: amountSchema, completion: amountSchema }),
});

/** A hardware class a host declares (`cpu`, `gpu`, …): verification profiles are kept per SKU, engine and class. */
export const HARDWARE_CLASS_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const DEFAULT_HARDWARE_CLASS = 'cpu';
export const hardwareClassSchema = z
  .string()
  .regex(HARDWARE_CLASS_PATTERN, 'lowercase letters, digits and dashes (e.g. cpu, gpu, gpu-h100)');

export const hostRegistrationSchema = z.strictObject({
  public_key: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an Ed25519 public key: 32 bytes, base64url'),
  name: z.string().min(1).max(200),
  base_url: z.url({ protocol: /^https?$/ }),
  forward_secret: z.string().min(24).max(200),
  engine: z.strictObject({ kind: z.string().min(1).max(50), version: z.string().min(1).max(100) }),
  max_concurrency: z.int().min(1).max(10_000),
  /** what the engine runs on; its probed speed must fit the class (docs/verification.md, "Hardware classes") */
  hardware_class: hardwareClassSchema.default(DEFAULT_HARDWARE_CLASS),
  models: z.array(declaredModelSchema).min(1).max(100),
  signed_at: z.int().min(0),
});

export type HostRegistration = z.infer<typeof hostRegistrationSchema>;
/** The registration as the host writes it (amounts as decimal strings). */
export type HostRegistrationWire = z.input<typeof hostRegistrationSchema>;

export const signedRegistrationSchema = z.strictObject({
  public_key: z.string().min(1).max(100),
  payload: z
    .string()
    .min(2)
    .max(64 * 1024),
  signature: z.string().min(1).max(200),
});

export const heartbeatSchema = z.strictObject({ in_flight: z.int().min(0).optional() });

/** A maintenance window, as ISO 8601 times with an offset (e.g. 2026-11-23T22:00:00Z). */
export const maintenanceRequestSchema = z.strictObject({
  starts_at: z.iso.datetime({ offset: true }),
  ends_at: z.iso.datetime({ offset: true }),
});
