/**
 * Microsoft.LoadTestService/loadTests, read-only from ARM (GET, list by resource group and by subscription): the
 * emulator's load testing resources are seeded (`lt-demo` in the demo resource group), never created by a step.
 * `properties.dataPlaneURI` names this emulator's data plane for the resource (data-plane.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ArmState, StoredResource } from '../state/model';
import { key, nextCounter } from '../state/model';
import type { ResourceTypeHandler, ArmCall } from '../arm/call';
import { gatewayError } from '../arm/errors';
import { page } from '../arm/resource-helpers';
import { render } from '../arm/render';
import { rgId } from '../arm/target';
import { dataPlaneUri, LOAD_TEST_TYPE, loadTesting, peekLoadTesting } from './state';

export const LOAD_TEST_API_VERSIONS = ['2021-12-01-preview', '2022-04-15-preview', '2022-12-01', '2023-12-01-preview', '2024-12-01-preview'];
export const DEFAULT_LOAD_TEST = 'lt-demo';

export interface LoadTestSeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tenantId: string;
  now: number;
}

export function addLoadTest(state: ArmState, seed: LoadTestSeed): StoredResource {
  const id = `${rgId(seed.subscriptionId, seed.resourceGroup)}/providers/${LOAD_TEST_TYPE}/${seed.name}`;
  const existing = state.resources[key(id)];
  if (existing) return existing;
  const at = new Date(seed.now).toISOString();
  const res: StoredResource = {
    id,
    type: LOAD_TEST_TYPE,
    createdSeq: nextCounter(state, 'resource'),
    body: {
      location: seed.location,
      tags: {},
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: seed.tenantId },
      properties: { description: 'Seeded by the emulator', provisioningState: 'Succeeded' },
      systemData: { createdAt: at, createdBy: 'aml-lifecycle-emulator', createdByType: 'Application', lastModifiedAt: at, lastModifiedBy: 'aml-lifecycle-emulator', lastModifiedByType: 'Application' },
    },
  };
  state.resources[key(id)] = res;
  loadTesting(state).guids[key(id)] = randomUUID();
  return res;
}

/** A state seeded before the emulator knew load testing gets the default resource (in the default resource group) once. */
export function seedLoadTestsOnce(state: ArmState, tenantId: string, now: number): void {
  const d = state.defaults;
  if (!d || peekLoadTesting(state)) return;
  const location = state.resourceGroups[key(rgId(d.subscriptionId, d.resourceGroup))]?.location ?? 'eastus';
  addLoadTest(state, { subscriptionId: d.subscriptionId, resourceGroup: d.resourceGroup, name: DEFAULT_LOAD_TEST, location, tenantId, now });
}

function renderLoadTest(c: ArmCall, res: StoredResource) {
  const guid = peekLoadTesting(c.state)?.guids[key(res.id)];
  return render(res, { properties: guid ? { dataPlaneURI: dataPlaneUri(c.baseUrl, guid) } : {} });
}

function ofScope(c: ArmCall, prefix: string): StoredResource[] {
  return Object.values(c.state.resources)
    .filter((r) => r.type === LOAD_TEST_TYPE && r.id.toLowerCase().startsWith(prefix.toLowerCase()))
    .sort((a, b) => a.createdSeq - b.createdSeq);
}

export const loadTestHandlers: ResourceTypeHandler = {
  namespace: 'Microsoft.LoadTestService',
  path: ['loadTests'],
  apiVersions: LOAD_TEST_API_VERSIONS,
  get: (c) => {
    const res = c.state.resources[c.id.toLowerCase()];
    if (res && res.type === LOAD_TEST_TYPE) return { status: 200, body: renderLoadTest(c, res) };
    return gatewayError(404, 'ResourceNotFound', `The Resource '${LOAD_TEST_TYPE}/${c.names[0]}' under resource group '${c.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  },
  list: (c) => page(c, ofScope(c, `${rgId(c.subscriptionId, c.resourceGroup)}/`).map((r) => renderLoadTest(c, r))),
  listBySubscription: (c) => page(c, ofScope(c, `/subscriptions/${c.subscriptionId}/`).map((r) => renderLoadTest(c, r))),
};
