import * as nodeModule from 'node:module';

/**
 * Let Node keep the compiled code of the lazily loaded step chunks on disk (Node >= 22.1, e.g. the node24 runners),
 * so the second and later steps of a job start faster. A no-op where Node has no compile cache.
 */
export function enableCompileCache(): void {
  const m = nodeModule as { enableCompileCache?: () => unknown };
  try {
    m.enableCompileCache?.();
  } catch {
    // An unwritable cache directory only costs speed.
  }
}
