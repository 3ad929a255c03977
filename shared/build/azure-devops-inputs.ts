/**
 * The Azure DevOps bundle is not committed: tasks reach agents inside the .vsix, never from the repository, so
 * `npm run build` makes it for the extension, the npm package and the tests. A build records a hash of what the
 * bundle is made from beside it, so `npm test` and `npm run demo` on a fresh clone (or after a pull) build it once
 * and skip the build while it is current (see ensure-azure-devops.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const AZURE_DEVOPS_OUT = 'shared/dist/azure-devops';
/** Beside the bundle, not inside it: the bundle's own content hash (task versions) must not include it. */
export const AZURE_DEVOPS_STAMP = 'shared/dist/.azure-devops-inputs';

/** The sources of the bundle: the library and entries, the bundler's code, the locked dependencies, the compiler options. */
const INPUTS = ['shared/src', 'shared/entries', 'shared/build/bundle.ts', 'shared/build/lazy-packages.ts', 'shared/build/lazy', 'package-lock.json', 'tsconfig.json'];

export function azureDevOpsInputsHash(root: string): string {
  const h = createHash('sha256');
  const add = (rel: string): void => {
    const p = join(root, rel);
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) add(join(rel, name));
      return;
    }
    h.update(rel).update('\0').update(readFileSync(p)).update('\0');
  };
  for (const i of INPUTS) add(i);
  return `sha256:${h.digest('hex')}`;
}

/** Whether the bundle on disk was built from the sources as they are now. */
export function azureDevOpsBundleCurrent(root: string): boolean {
  const stamp = join(root, AZURE_DEVOPS_STAMP);
  if (!existsSync(join(root, AZURE_DEVOPS_OUT, 'index.js')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === azureDevOpsInputsHash(root);
}
