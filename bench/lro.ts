/**
 * LRO detection: how soon after a long-running operation ends the poller notices, and how many polls it took;
 * several samples per provisioning duration, one after another (no other load from the bench meanwhile).
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { createCredential } from '../shared/src/auth/credential';
import { resolveCloud } from '../shared/src/auth/clouds';
import { AzureMlClient } from '../shared/src/azureml/client';
import { silentLogger } from '../shared/src/core/logger';
import type { TestEmulator } from '../test/support/emulator';
import { summarize, type Summary } from './stats';

export interface LroFigures {
  provisioningMs: number;
  detectionLagMs: number;
  polls: number;
}

export async function measureLro(t: TestEmulator, provisioningMs: number): Promise<LroFigures> {
  await t.control.seed({ settings: { durations: { onlineEndpoints: provisioningMs } } });
  const cloud = resolveCloud({
    cloud: 'Custom',
    armEndpoint: t.env.AML_ARM_ENDPOINT,
    authorityHost: t.env.AML_AUTHORITY_HOST,
    armAudience: t.env.AML_ARM_AUDIENCE,
  });
  const app = t.world.identity.apps[0];
  const credential = createCredential(
    { type: 'service-principal-secret', tenantId: t.world.identity.tenantId, clientId: app.appId, clientSecret: app.secrets[0].value },
    { cloud, onSecret: () => undefined, logger: silentLogger },
  );
  const client = new AzureMlClient({ credential, cloud, subscriptionId: t.env.AZURE_SUBSCRIPTION_ID, logger: silentLogger });
  const rg = t.env.AML_RESOURCE_GROUP;
  const ws = t.env.AML_WORKSPACE;
  await client.getWorkspace(rg, ws); // sign in first, so the figure is about polling only
  const name = `bench-${randomBytes(3).toString('hex')}`;
  const t0 = performance.now();
  const result = await client.online.createOrUpdateEndpoint(rg, ws, name, { location: 'eastus', properties: { authMode: 'Key' } });
  const elapsed = performance.now() - t0;
  return { provisioningMs, detectionLagMs: Math.max(0, Math.round(elapsed - provisioningMs)), polls: result.pollCount };
}

export interface LroSeries {
  provisioningMs: number;
  samples: LroFigures[];
  detectionLagMs: Summary;
  polls: Summary;
}

/** `samples` runs of one provisioning duration, with median/min/max of the lag and of the poll count. */
export async function measureLroSeries(t: TestEmulator, provisioningMs: number, samples: number): Promise<LroSeries> {
  const runs: LroFigures[] = [];
  for (let n = 0; n < samples; n++) runs.push(await measureLro(t, provisioningMs));
  return {
    provisioningMs,
    samples: runs,
    detectionLagMs: summarize(runs.map((r) => r.detectionLagMs)),
    polls: summarize(runs.map((r) => r.polls)),
  };
}
