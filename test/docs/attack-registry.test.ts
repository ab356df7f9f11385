// The attack registry (docs/attacks.md) stays true: every attack the market knows has an entry, and every test or
// simulator scenario an entry names as its proof exists — a renamed or deleted test breaks this check, not the doc.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The attacks the registry must always cover (SECURITY.md points here). */
const REQUIRED_ATTACKS = [
  'Key escalation',
  'Overspend races',
  'Usage inflation',
  'Model substitution: full',
  'Model substitution: selective',
  'Model substitution: 8-bit',
  'Sybil hosts',
  'Wash trading',
  'Dispute griefing',
  'Throwaway identities farming check-exempt slots',
  'Replayed receipts',
  'Forged registrations',
  'Console CSRF',
];

type Entry = { attack: string; references: string[] };

/** `## Attack` sections and the `file.test.ts::name` or `sim:scenario` spans under each. */
function parseRegistry(markdown: string): Entry[] {
  return markdown
    .split(/^## /m)
    .slice(1)
    .map((section) => ({
      attack: section.slice(0, section.indexOf('\n')).trim(),
      references: [...section.matchAll(/`([^`\n]+\.test\.ts::[^`\n]+|sim:[\w-]+)`/g)].map((m) => m[1] as string),
    }));
}

const LITERAL_FORMS = (name: string): string[] => [
  `'${name.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
  `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
  `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${')}\``,
];

/**
 * Whether the source declares a test of this name: the name as the first argument of `it(`, `test(`, or a chained
 * form such as `it.each(rows)(`, `it.runIf(cond)(`, `it.skip(`.
 */
function declaresTest(source: string, name: string): boolean {
  return LITERAL_FORMS(name).some((literal) => {
    for (let at = source.indexOf(literal); at >= 0; at = source.indexOf(literal, at + 1)) {
      if (isTestCallBefore(source.slice(0, at))) return true;
    }
    return false;
  });
}

function isTestCallBefore(before: string): boolean {
  let text = before.trimEnd();
  if (!text.endsWith('(')) return false;
  text = text.slice(0, -1).trimEnd();
  // Skip back over `.each(...)`-style argument lists, balancing brackets, to the callee.
  while (text.endsWith(')')) {
    let depth = 0;
    let i = text.length - 1;
    for (; i >= 0; i--) {
      const c = text[i];
      if (c === ')' || c === ']' || c === '}') depth++;
      else if (c === '(' || c === '[' || c === '{') depth--;
      if (depth === 0) break;
    }
    if (i < 0) return false;
    text = text.slice(0, i).trimEnd();
  }
  return /(?:^|[^\w.$])(?:it|test)(?:\.(?:each|runIf|skipIf|skip|only|concurrent|todo|fails))*$/.test(text);
}

/** What is wrong with one reference, or undefined when it names a real test or scenario. */
function checkReference(reference: string, root = ROOT): string | undefined {
  if (reference.startsWith('sim:')) {
    const file = join(root, 'sim', 'scenarios', `${reference.slice(4)}.json`);
    return existsSync(file) ? undefined : `${reference}: no scenario file sim/scenarios/${reference.slice(4)}.json`;
  }
  const [path, name] = [reference.slice(0, reference.indexOf('::')), reference.slice(reference.indexOf('::') + 2)];
  const file = join(root, path);
  if (!existsSync(file)) return `${reference}: no file ${path}`;
  return declaresTest(readFileSync(file, 'utf8'), name)
    ? undefined
    : `${reference}: ${path} has no test named '${name}'`;
}

describe('the attack registry', () => {
  const entries = parseRegistry(readFileSync(join(ROOT, 'docs', 'attacks.md'), 'utf8'));

  it('has an entry for every known attack, each with a defence and at least one proof', () => {
    expect(entries.map((e) => e.attack)).toEqual(expect.arrayContaining(REQUIRED_ATTACKS));
    for (const entry of entries) expect(entry.references, entry.attack).not.toEqual([]);
  });

  it('names only tests and scenarios that exist', () => {
    const problems = entries.flatMap((e) => e.references.flatMap((r) => checkReference(r) ?? []));
    expect(problems).toEqual([]);
  });

  it('catches a reference to a test, file or scenario that does not exist', () => {
    expect(
      checkReference(
        'test/market/sub-key-overspend.test.ts::100 parallel requests never overspend a limit that covers 11',
      ),
    ).toMatch(/has no test named/);
    expect(checkReference('test/market/no-such.test.ts::anything')).toMatch(/no file/);
    expect(checkReference('sim:no-such-scenario')).toMatch(/no scenario file/);
    // A name that appears in the file but not as a test's name (here: in a comment) does not count.
    expect(checkReference('test/market/sub-key-overspend.test.ts::100 parallel requests against a sub-key')).toMatch(
      /has no test named/,
    );
  });

  it('reads test names in the forms the suite uses', () => {
    const source = [
      "it('plain', () => {});",
      'test("double \\"quoted\\"", () => {});',
      "it.each([\n  ['a', 1],\n  ['b', 2],\n])('%s with seed %i', async () => {});",
      "it.runIf(outsideAddress)('conditional', async () => {});",
      "describe('a suite name', () => {});",
      "expect(x).toBe('compared');",
      "it('takes the operator\\'s base', () => {});",
    ].join('\n');
    for (const name of ['plain', 'double "quoted"', '%s with seed %i', 'conditional', "takes the operator's base"])
      expect(declaresTest(source, name), name).toBe(true);
    for (const name of ['a suite name', 'compared', 'missing']) expect(declaresTest(source, name), name).toBe(false);
  });
});
