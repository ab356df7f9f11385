// docs/errors.md as text, rendered from the error catalog: `npm run docs:errors` writes it, and a test fails when the
// committed file differs, so the documentation cannot drift from the codes the market answers with.
import { ERROR_AREAS, ERROR_CATALOG, type ErrorEntry } from './error-catalog.ts';

const cell = (text: string) => text.replaceAll('|', '\\|');

const row = (key: string, entry: ErrorEntry) =>
  `| \`${entry.wire ?? key}\` | ${entry.status} | \`${entry.type}\` | ${entry.param ? `\`${entry.param}\`` : ''} | ${cell(entry.description)} |`;

export function renderErrorsDoc(): string {
  const sections = (Object.keys(ERROR_AREAS) as Array<keyof typeof ERROR_AREAS>).map((area) => {
    const entries = Object.entries(ERROR_CATALOG[area]) as Array<[string, ErrorEntry]>;
    return [
      `## ${ERROR_AREAS[area]}`,
      '',
      '| code | status | type | param | meaning and remedy |',
      '| --- | --- | --- | --- | --- |',
      ...entries.map(([key, entry]) => row(key, entry)),
      '',
    ].join('\n');
  });
  return [
    '# Errors',
    '',
    '<!-- Generated from src/contracts/errors/error-catalog.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every refusal uses the OpenAI error envelope, on every surface (`/v1`, `/admin`, `/hosts`, the console):',
    '`{"error": {"message", "type", "param", "code"}}` with the HTTP status below. A streamed completion that fails',
    'after its first byte ends with one `data: {"error": …}` event in the same envelope and no `[DONE]`. `param`',
    'names the request parameter at fault when there is one (the column shows the usual one). Answers that can be',
    'retried (503, 429) carry `Retry-After` in seconds.',
    '',
    ...sections,
  ].join('\n');
}
