import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from './json-schemas.ts';

const weather = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
  required: ['city'],
  additionalProperties: false,
};

describe('compileJsonSchema', () => {
  it('validates values against a draft-07 schema and says where one fails', () => {
    const compiled = compileJsonSchema(weather);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.validate({ city: 'Oslo', days: 2 })).toEqual({ ok: true });
    expect(compiled.validate({ city: 'Oslo', days: 0 })).toEqual({ ok: false, message: '/days must be >= 1' });
    expect(compiled.validate({ days: 1 })).toMatchObject({ ok: false, message: expect.stringContaining('city') });
  });

  it('reads 2020-12 schemas and checks string formats', () => {
    const compiled = compileJsonSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string', format: 'date' }],
    });
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.validate(['2026-12-06'])).toEqual({ ok: true });
    expect(compiled.validate(['yesterday']).ok).toBe(false);
  });

  it('refuses a schema that does not compile, with a sentence saying why', () => {
    expect(compileJsonSchema({ type: 'strnig' })).toMatchObject({ ok: false, message: /not a valid JSON Schema/ });
    expect(compileJsonSchema({ $ref: 'https://example.com/remote.json' })).toMatchObject({ ok: false });
    expect(compileJsonSchema({ $schema: 'http://json-schema.org/draft-04/schema#' })).toMatchObject({
      ok: false,
      message: /not supported/,
    });
  });

  it('refuses nested quantifiers and absurd depth before ajv sees them', () => {
    expect(compileJsonSchema({ type: 'string', pattern: '^(a+)+$' })).toMatchObject({
      ok: false,
      message: /nested quantifiers at \/pattern/,
    });
    expect(compileJsonSchema({ type: 'string', pattern: '^(\\w+\\s?)*$' }).ok).toBe(false);
    expect(compileJsonSchema({ type: 'string', pattern: '^[a-z]+(-[a-z]+)?$' }).ok).toBe(true);
    expect(compileJsonSchema({ type: 'string', pattern: '^([(+)])*$' }).ok).toBe(true);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i += 1) deep = { type: 'array', items: deep };
    expect(compileJsonSchema(deep)).toMatchObject({ ok: false, message: /deeper than/ });
  });

  it('gives the same validator for the same schema text (compiled once)', () => {
    const first = compileJsonSchema({ ...weather });
    expect(compileJsonSchema(JSON.parse(JSON.stringify(weather)))).toBe(first);
  });

  it('keeps one schema $id from colliding with another', () => {
    const a = compileJsonSchema({ $id: 'https://x/s', type: 'string' });
    const b = compileJsonSchema({ $id: 'https://x/s', type: 'number' });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect([a.validate('x').ok, b.validate(1).ok, b.validate('x').ok]).toEqual([true, true, false]);
  });
});
