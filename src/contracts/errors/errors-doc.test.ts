// docs/errors.md is the catalog rendered: regenerate it with `npm run docs:errors` when this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from './error-catalog.ts';
import { renderErrorsDoc } from './errors-doc.ts';

describe('the error catalog and its documentation', () => {
  it('docs/errors.md is the catalog as it is now', () => {
    expect(readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorsDoc());
  });

  it('lists every code once, in one area', () => {
    const seen = new Map<string, string>();
    for (const area of Object.values(ERROR_CATALOG))
      for (const [key, entry] of Object.entries(area)) {
        expect(seen.has(key), key).toBe(false);
        seen.set(key, `${entry.status} ${entry.type}`);
      }
  });
});
