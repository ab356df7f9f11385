// Where this package lies: the folder holding its package.json. Files the product ships beside its code (the console
// bundle, the simulator's scenarios, the `agora` command) are found from here, so the same lookup holds whether the
// code runs from its TypeScript sources (tsx) or from the compiled bundle in dist/server.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
