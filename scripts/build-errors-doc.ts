// Writes docs/errors.md from the error catalog (src/contracts/errors/error-catalog.ts): `npm run docs:errors`.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/contracts/errors/errors-doc.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
console.log('docs/errors.md written from the error catalog');
