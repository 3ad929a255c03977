/** Paths and principals the registry tests share. */
import type { TestEmulator, TestWorld } from './harness';
import { sleep } from './harness';

export function registryPath(t: TestEmulator, name = t.emu.env.AML_REGISTRY, sub = t.emu.env.AML_REGISTRY_SUBSCRIPTION_ID, rg = t.emu.env.AML_REGISTRY_RESOURCE_GROUP): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/registries/${name}`;
}

/** An app with Contributor on the workspace subscription only (no access to the registry's subscription). */
export async function appWithoutRegistryAccess(t: TestEmulator): Promise<TestWorld['apps'][number]> {
  const seeded = await t.control('POST', '/seed', { identity: { apps: [{ displayName: 'workspace-only-app' }] } });
  const app = (seeded.json.identity as TestWorld).apps.find((a) => a.displayName === 'workspace-only-app')!;
  const r = await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: `/subscriptions/${t.sub}`, role: 'Contributor' }] });
  expect(r.status).toBe(200);
  return app;
}

/** Polls a Location URL until it stops answering 202; returns every status seen and the last response. */
export async function pollLocation(t: TestEmulator, url: string, opts: { token?: string } = {}) {
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) {
    const r = await t.arm('GET', url, undefined, { apiVersion: null, token: opts.token });
    statuses.push(r.status);
    if (r.status !== 202) return { statuses, last: r };
    await sleep(50);
  }
  throw new Error(`operation at ${url} did not finish`);
}
