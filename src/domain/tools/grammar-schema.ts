// The JSON Schema subset the built-in engine can decode under (node-llama-cpp's GbnfJsonSchema, 3.22): a schema in
// it is translated to that dialect so every answer the grammar allows also validates against the buyer's schema;
// a keyword the grammar cannot enforce (`pattern`, `minimum`, `uniqueItems`, `not`, …) is refused with its path,
// never dropped (an answer could then break it). The grammar emits every property of an object, in order, so
// `required` and absent `additionalProperties` are always satisfied.

export type GrammarSchema = { ok: true; schema: Record<string, unknown> } | { ok: false; message: string };

/** Words that only describe: the grammar leaves them out, and no answer can break them. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  '$schema',
  '$id',
  '$comment',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'nullable',
  'strict',
]);
const BASIC_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const STRING_FORMATS = new Set(['date-time', 'date', 'time']);
const KEYWORDS_BY_TYPE: Record<string, ReadonlySet<string>> = {
  string: new Set(['type', 'minLength', 'maxLength', 'format']),
  object: new Set(['type', 'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties']),
  array: new Set(['type', 'items', 'prefixItems', 'minItems', 'maxItems']),
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Unsupported extends Error {}

/** Translates a buyer's schema (draft-07 or 2020-12, already compiled by ajv) to the grammar's dialect, or says why not. */
export function toGrammarSchema(schema: Record<string, unknown>): GrammarSchema {
  try {
    const defs = { ...asRecord(schema.definitions, '/definitions'), ...asRecord(schema.$defs, '/$defs') };
    const translated = translate(omit(schema, ['definitions', '$defs']), '');
    const translatedDefs = Object.fromEntries(
      Object.entries(defs).map(([name, def]) => [name, translate(def, `/$defs/${name}`)]),
    );
    return {
      ok: true,
      schema: Object.keys(translatedDefs).length > 0 ? { ...translated, $defs: translatedDefs } : translated,
    };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, message: error.message };
    throw error;
  }
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new Unsupported(`${path} must be an object`);
  return value;
}

function omit(schema: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key)));
}

const refuse = (path: string, what: string): never => {
  throw new Unsupported(`${what} at ${path || '(root)'} cannot be enforced by the built-in engine's grammar`);
};

function translate(node: unknown, path: string): Record<string, unknown> {
  if (!isRecord(node)) return refuse(path, 'a boolean schema');
  const schema = Object.fromEntries(Object.entries(node).filter(([key]) => !ANNOTATIONS.has(key)));
  const description = typeof node.description === 'string' ? { description: node.description } : {};
  if ('$ref' in schema) return { $ref: translateRef(schema.$ref, path), ...description };
  if ('const' in schema || 'enum' in schema) return translateValues(schema, path, description);
  if ('anyOf' in schema || 'oneOf' in schema) {
    // anyOf becomes oneOf: the grammar picks exactly one branch, which satisfies anyOf
    const key = 'anyOf' in schema ? 'anyOf' : 'oneOf';
    onlyKeys(schema, new Set([key]), path);
    const branches = schema[key];
    if (!Array.isArray(branches) || branches.length === 0) return refuse(path, `an empty ${key}`);
    return { oneOf: branches.map((b, i) => translate(b, `${path}/${key}/${i}`)), ...description };
  }
  const type = schema.type ?? ('properties' in schema ? 'object' : 'items' in schema ? 'array' : undefined);
  if (type === undefined) return refuse(path, 'a schema without a type (any value)');
  if (Array.isArray(type)) {
    if (!type.every((t) => typeof t === 'string' && BASIC_TYPES.has(t)))
      return refuse(path, 'a list of types with object or array');
    onlyKeys(schema, new Set(['type']), path);
    return { type, ...description };
  }
  if (typeof type !== 'string') return refuse(path, 'a type that is not a string');
  if (BASIC_TYPES.has(type) && type !== 'string') {
    onlyKeys(schema, new Set(['type']), path);
    return { type, ...description };
  }
  const allowed = KEYWORDS_BY_TYPE[type];
  if (!allowed) return refuse(path, `type '${type}'`);
  onlyKeys(schema, allowed, path);
  if (type === 'string') {
    if (schema.format !== undefined && !STRING_FORMATS.has(String(schema.format)))
      return refuse(`${path}/format`, `format '${String(schema.format)}'`);
    return { ...schema, type, ...description };
  }
  if (type === 'object') {
    const properties = asRecord(schema.properties, `${path}/properties`);
    const additional = schema.additionalProperties;
    return {
      ...omit(schema, ['required']),
      type,
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, p]) => [name, translate(p, `${path}/properties/${name}`)]),
      ),
      additionalProperties: isRecord(additional)
        ? translate(additional, `${path}/additionalProperties`)
        : additional === true,
      ...description,
    };
  }
  const items = schema.items;
  const prefixItems = schema.prefixItems;
  if (items !== undefined && !isRecord(items)) return refuse(`${path}/items`, 'items that are not one schema');
  if (prefixItems !== undefined && !Array.isArray(prefixItems)) return refuse(`${path}/prefixItems`, 'prefixItems');
  return {
    ...schema,
    type,
    ...(items === undefined ? {} : { items: translate(items, `${path}/items`) }),
    ...(prefixItems === undefined
      ? {}
      : { prefixItems: prefixItems.map((p, i) => translate(p, `${path}/prefixItems/${i}`)) }),
    ...description,
  };
}

function onlyKeys(schema: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): void {
  const other = Object.keys(schema).find((key) => !allowed.has(key));
  if (other !== undefined) refuse(`${path}/${other}`, `'${other}'`);
}

function translateRef(ref: unknown, path: string): string {
  const match = typeof ref === 'string' ? /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
  if (!match) return refuse(`${path}/$ref`, `a $ref other than #/$defs/<name>`);
  return `#/$defs/${match[1] as string}`;
}

function translateValues(
  schema: Record<string, unknown>,
  path: string,
  description: Record<string, unknown>,
): Record<string, unknown> {
  const values = 'const' in schema ? [schema.const] : schema.enum;
  if (!Array.isArray(values) || values.length === 0) return refuse(path, 'an empty enum');
  if (!values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)))
    return refuse(path, 'an enum or const with objects or arrays');
  // `type` beside const/enum adds nothing the values do not already fix
  onlyKeys(schema, new Set(['const', 'enum', 'type']), path);
  return 'const' in schema ? { const: schema.const, ...description } : { enum: values, ...description };
}
