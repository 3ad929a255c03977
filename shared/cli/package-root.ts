import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package root (where package.json says aml-lifecycle), from the source tree or a bundle. */
export function packageRoot(start = __dirname): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'aml-lifecycle') return dir;
  }
  throw new Error(`cannot find the aml-lifecycle package above ${start}`);
}
