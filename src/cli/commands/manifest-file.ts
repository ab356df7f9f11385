// Reading a model manifest (YAML) for `agora models add`: parsed with node positions kept, so every refusal names
// the file, line and column and the field (`model.yaml:12:5: readiness.probes.0.expect: …`); then the tokenizer's
// files (and the chat template) it points to are read, relative to the manifest's directory, for the admin API.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { modelManifestFileSchema, type modelLaunchSchema } from '../../contracts/models/model-manifest.ts';
import { CliError } from './cli-action.ts';

type Path = ReadonlyArray<PropertyKey>;

/** `file:line:col` of the deepest node of the path that exists (a missing field points at its parent). */
function where(file: string, doc: Document, lines: LineCounter, path: Path): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    const offset = depth === 0 ? doc.contents?.range?.[0] : node?.range?.[0];
    if (offset !== undefined) {
      const { line, col } = lines.linePos(offset);
      return `${file}:${line}:${col}`;
    }
  }
  return file;
}

const fieldName = (path: Path) => (path.length === 0 ? '(the manifest)' : path.map(String).join('.'));

type Issue = z.core.$ZodIssue;

/** An unknown key is placed at itself; a missing field says so; a number where an amount goes says to quote it. */
function describeIssue(issue: Issue, doc: Document): { path: Path; message: string } {
  if (issue.code === 'unrecognized_keys')
    return { path: [...issue.path, issue.keys[0] ?? ''], message: `unknown field (${issue.keys.join(', ')})` };
  const value: unknown = doc.getIn(issue.path as unknown[]);
  if (issue.code === 'invalid_type' && !doc.hasIn(issue.path as unknown[]))
    return { path: issue.path, message: 'required' };
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof value === 'number')
    return {
      path: issue.path,
      message: 'expected a quoted string (YAML reads 0.0000001 as a float): write "0.0000001"',
    };
  return { path: issue.path, message: issue.message };
}

async function readText(path: string, what: string, at: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`${at}: ${what}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The launch request a manifest file makes; every refusal is a CliError naming where in the file it comes from. */
export async function readManifestFile(file: string): Promise<z.input<typeof modelLaunchSchema>> {
  const text = await readText(file, 'manifest', file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const [syntax] = doc.errors;
  if (syntax) {
    const pos = syntax.linePos?.[0];
    const message = syntax.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new CliError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${message}`);
  }
  const json: unknown = doc.toJS();
  const parsed = modelManifestFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      parsed.error.issues
        .map((issue) => describeIssue(issue, doc))
        .map(({ path, message }) => `${where(file, doc, lines, path)}: ${fieldName(path)}: ${message}`)
        .join('\n'),
    );
  }
  const base = dirname(resolve(file));
  const { tokenizer, chat_template: chatTemplate, reference } = parsed.data;
  const at = (path: Path) => where(file, doc, lines, path);
  const paths =
    typeof tokenizer === 'string'
      ? {
          json: join(resolve(base, tokenizer), 'tokenizer.json'),
          config: join(resolve(base, tokenizer), 'tokenizer_config.json'),
        }
      : { json: resolve(base, tokenizer.json), config: resolve(base, tokenizer.config) };
  const tokenizerJson = await readText(paths.json, 'tokenizer', at(['tokenizer']));
  let config = await readText(paths.config, 'tokenizer', at(['tokenizer']));
  if (chatTemplate !== undefined) {
    const template = await readText(resolve(base, chatTemplate), 'chat_template', at(['chat_template']));
    try {
      config = JSON.stringify({ ...(JSON.parse(config) as object), chat_template: template });
    } catch {
      throw new CliError(`${at(['tokenizer'])}: tokenizer: ${paths.config} is not JSON`);
    }
  }
  // The wire form keeps the amounts as the decimal strings the file has; the market parses them again.
  const {
    tokenizer: _tokenizer,
    chat_template: _template,
    reference: _reference,
    ...fields
  } = json as Record<string, unknown>;
  return {
    manifest: {
      ...(fields as Omit<z.input<typeof modelLaunchSchema>['manifest'], 'reference'>),
      ...(reference ? { reference: { weights: resolve(base, reference.weights) } } : {}),
    },
    tokenizer: { json: tokenizerJson, config },
  };
}
