// The one place a buyer's JSON Schema (a tool's `parameters`, a `response_format.json_schema.schema`) becomes a
// validator, with ajv (decision 021). The schema is attacker-controlled: it is checked for depth and for regular
// expressions that could backtrack for ever before ajv compiles it, and remote `$ref`s are never fetched.
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export type JsonValidity = { ok: true } | { ok: false; message: string };
/** A compiled schema: says whether a value (already parsed from JSON) matches it, and where it does not. */
export type JsonValidator = (value: unknown) => JsonValidity;
export type CompiledJsonSchema = { ok: true; validate: JsonValidator } | { ok: false; message: string };

const MAX_DEPTH = 32;
const MAX_CACHED = 256;
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-0[67]\/schema#?$/;

/**
 * Compiles a JSON Schema document (draft-07, the default, or 2020-12 when its `$schema` says so) into a validator,
 * or says in one sentence why it cannot. Compiled validators are kept by the schema's exact JSON text (bounded), so
 * the tools an agent sends on every turn compile once.
 *
 * @example
 *   const compiled = compileJsonSchema({ type: 'object', properties: { city: { type: 'string' } } });
 *   if (compiled.ok) compiled.validate(JSON.parse(args)); // { ok: true } or { ok: false, message: "/city must be string" }
 */
export function compileJsonSchema(schema: Record<string, unknown>): CompiledJsonSchema {
  const text = JSON.stringify(schema);
  const known = compiled.get(text);
  if (known) {
    compiled.delete(text); // re-inserted below: the Map's order is the least-recently-used order
    compiled.set(text, known);
    return known;
  }
  const result = compileUncached(schema);
  compiled.set(text, result);
  if (compiled.size > MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
  return result;
}

// A memo of a pure function (same schema text, same answer), bounded; ajv instances are built on first use, not at
// import. Nothing observable depends on it but speed.
const compiled = new Map<string, CompiledJsonSchema>();
let engines: { draft07: Ajv; draft2020: Ajv2020 } | undefined;

function compileUncached(schema: Record<string, unknown>): CompiledJsonSchema {
  const unsafe = findUnsafeConstruct(schema, '', 0);
  if (unsafe) return { ok: false, message: unsafe };
  const dialect = schema['$schema'];
  if (dialect !== undefined && dialect !== DRAFT_2020 && !(typeof dialect === 'string' && DRAFT_07.test(dialect)))
    return { ok: false, message: `$schema ${JSON.stringify(dialect)} is not supported (use draft-07 or 2020-12)` };
  engines ??= { draft07: withFormats(new Ajv(AJV_OPTIONS)), draft2020: withFormats(new Ajv2020(AJV_OPTIONS)) };
  const ajv = dialect === DRAFT_2020 ? engines.draft2020 : engines.draft07;
  let check: ValidateFunction;
  try {
    check = ajv.compile(schema);
  } catch (error) {
    return { ok: false, message: `is not a valid JSON Schema: ${(error as Error).message}` };
  }
  return {
    ok: true,
    validate: (value) => {
      if (check(value)) return { ok: true };
      const first = check.errors?.[0];
      return { ok: false, message: first ? `${first.instancePath || '(root)'} ${first.message ?? 'is invalid'}` : '' };
    },
  };
}

// strict: false accepts the annotations real tool definitions carry (`example`, `nullable`, vendor `x-` keys) the
// way OpenAI does; the schema itself is still checked against its meta-schema. `addUsedSchema: false` keeps one
// buyer's `$id` from colliding with another's in the shared instance.
const AJV_OPTIONS = { strict: false, logger: false, addUsedSchema: false, allowUnionTypes: true } as const;

function withFormats<T extends Ajv>(ajv: T): T {
  addFormats.default(ajv);
  return ajv;
}

/**
 * A schema deeper than MAX_DEPTH (ajv compiles recursively), or a `pattern` whose regular expression nests
 * quantifiers (`(a+)+`, the classic catastrophic-backtracking shape: validating a model's answer against it could
 * block the market's event loop). A heuristic, stated as such: it refuses every nested quantifier, safe or not.
 */
function findUnsafeConstruct(node: unknown, path: string, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `is nested deeper than ${MAX_DEPTH} levels at ${path || '(root)'}`;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const found = findUnsafeConstruct(item, `${path}/${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string' && hasNestedQuantifier(value))
      return `has a pattern with nested quantifiers at ${path}/pattern (it could take exponential time to match)`;
    if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
      const risky = Object.keys(value).find(hasNestedQuantifier);
      if (risky !== undefined)
        return `has a patternProperties key with nested quantifiers at ${path}/patternProperties`;
    }
    const found = findUnsafeConstruct(value, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A group that contains a quantifier and is itself quantified (escapes and character classes skipped). */
function hasNestedQuantifier(source: string): boolean {
  const groups: boolean[] = []; // per open group: whether a quantifier appeared inside it
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') i += 1;
    else if (c === '[') i = endOfClass(source, i);
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const inner = groups.pop() ?? false;
      const next = source[i + 1];
      const quantified = next === '*' || next === '+' || next === '{';
      if (inner && quantified) return true;
      if (inner || quantified) markQuantified(groups);
    } else if (c === '*' || c === '+' || c === '{') markQuantified(groups);
  }
  return false;
}

function markQuantified(groups: boolean[]): void {
  if (groups.length > 0) groups[groups.length - 1] = true;
}

function endOfClass(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i += 1) {
    if (source[i] === '\\') i += 1;
    else if (source[i] === ']') return i;
  }
  return source.length;
}
