/** Token audiences (resources) the emulated Entra knows, and how they compare. */

export const ML_AUDIENCE = 'https://ml.azure.com';
export const STORAGE_AUDIENCE = 'https://storage.azure.com';
/** Azure Load Testing's data plane */
export const LOAD_TESTING_AUDIENCE = 'https://cnt-prod.loadtesting.azure.com';

const ARM_RESOURCES = ['https://management.azure.com', 'https://management.core.windows.net'];

/** ARM's accepted audiences, each with and without the trailing '/'. verifyBearer also accepts the emulator's base URL when given these. */
export const ARM_AUDIENCES: string[] = ARM_RESOURCES.flatMap((r) => [r, `${r}/`]);

/** ARM audiences plus the emulator's own base URL (clients may use it as their ARM resource). */
export function armAudiences(baseUrl: string): string[] {
  return [...ARM_AUDIENCES, baseUrl, `${baseUrl}/`];
}

export function normaliseAudience(aud: string): string {
  return aud.replace(/\/+$/, '').toLowerCase();
}

export function sameAudience(a: string, b: string): boolean {
  return normaliseAudience(a) === normaliseAudience(b);
}

/** Resources Entra issues tokens for in this emulator. */
export function knownResources(baseUrl: string, extra: string[]): string[] {
  return [...ARM_RESOURCES, ML_AUDIENCE, STORAGE_AUDIENCE, LOAD_TESTING_AUDIENCE, 'https://monitor.azure.com', baseUrl, ...extra];
}

/**
 * The resource of a client-credentials scope: `https://x/.default` → `https://x`, and (as Entra does)
 * `https://x//.default` → `https://x/`. Undefined when no scope ends in `/.default`.
 */
export function resourceFromScope(scope: string): string | undefined {
  const resource = scope.split(/\s+/).find((s) => s.endsWith('/.default'));
  return resource ? resource.slice(0, -'/.default'.length) : undefined;
}
