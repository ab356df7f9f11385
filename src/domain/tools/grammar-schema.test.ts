import { describe, expect, it } from 'vitest';
import { toGrammarSchema } from './grammar-schema.ts';

describe('the built-in grammar subset of JSON Schema', () => {
  it('translates what the grammar can enforce: annotations dropped, anyOf as oneOf, definitions as $defs', () => {
    expect(
      toGrammarSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'T',
        type: 'object',
        properties: {
          city: { type: 'string', maxLength: 20, description: 'a city' },
          when: { type: 'string', format: 'date' },
          tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
          unit: { anyOf: [{ const: 'c' }, { type: 'null' }] },
          kind: { type: 'string', enum: ['x'] },
          place: { $ref: '#/definitions/place' },
          pair: { type: 'array', prefixItems: [{ type: ['integer', 'null'] }] },
          extra: { type: 'object', additionalProperties: { type: 'boolean' } },
        },
        required: ['city'],
        definitions: { place: { type: 'object', properties: { n: { type: 'number' } } } },
      }),
    ).toEqual({
      ok: true,
      schema: {
        type: 'object',
        properties: {
          city: { type: 'string', maxLength: 20, description: 'a city' },
          when: { type: 'string', format: 'date' },
          tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
          unit: { oneOf: [{ const: 'c' }, { type: 'null' }] },
          kind: { enum: ['x'] },
          place: { $ref: '#/$defs/place' },
          pair: { type: 'array', prefixItems: [{ type: ['integer', 'null'] }] },
          extra: { type: 'object', properties: {}, additionalProperties: { type: 'boolean' } },
        },
        additionalProperties: false,
        $defs: { place: { type: 'object', properties: { n: { type: 'number' } }, additionalProperties: false } },
      },
    });
  });

  it.each([
    [{ type: 'string', pattern: '^a$' }, '/pattern'],
    [{ type: 'object', properties: { n: { type: 'integer', minimum: 0 } } }, '/properties/n/minimum'],
    [{ type: 'string', format: 'email' }, '/format'],
    [{ type: 'array', uniqueItems: true }, '/uniqueItems'],
    [{ not: { type: 'null' } }, '(root)'],
    [{}, 'without a type'],
    [{ $ref: '#/properties/a' }, '/$ref'],
    [{ enum: [{ a: 1 }] }, 'objects or arrays'],
    [{ enum: [] }, 'empty enum'],
    [{ anyOf: [] }, 'empty anyOf'],
    [{ type: ['object', 'null'] }, 'object or array'],
    [{ type: 'array', items: [{ type: 'string' }] }, '/items'],
    [{ type: 'array', prefixItems: {} }, '/prefixItems'],
    [{ type: 'object', properties: { a: true } }, 'boolean schema'],
    [{ type: 'object', properties: 3 }, 'must be an object'],
    [{ type: 7 }, 'not a string'],
    [{ type: 'file' }, "type 'file'"],
    [{ type: 'boolean', default: true, minimum: 1 }, '/minimum'],
  ])('refuses %j, saying where (%s)', (schema, where) => {
    const result = toGrammarSchema(schema as Record<string, unknown>);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(where);
  });
});
