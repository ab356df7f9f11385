// Validation at the /v1 boundary: zod issues become one OpenAI-style 400 naming the offending parameter; bodies
// nested deeper than the limit are refused before any schema walks them.
import type { z } from 'zod';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { REQUEST_LIMITS } from '../../../contracts/openai/request-limits.ts';

function depthExceeds(value: unknown, limit: number): boolean {
  if (limit < 0) return true;
  if (Array.isArray(value)) return value.some((v) => depthExceeds(v, limit - 1));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => depthExceeds(v, limit - 1));
  return false;
}

export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw marketError('invalid_body', 'The request body must be a JSON object.');
  }
  if (depthExceeds(body, REQUEST_LIMITS.maxJsonDepth)) {
    throw marketError('body_too_deep', `The request body is nested deeper than ${REQUEST_LIMITS.maxJsonDepth} levels.`);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = path ? `${path}.${key}` : key;
    throw marketError('unknown_parameter', `Unrecognized request argument supplied: ${param}`, { param });
  }
  throw marketError('invalid_value', `Invalid value for '${path || 'body'}': ${issue?.message ?? 'invalid'}`, {
    param: path || null,
  });
}
