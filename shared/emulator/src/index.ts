/**
 * The local Azure ML emulator: an HTTPS server on loopback speaking the ARM protocol for the
 * Microsoft.MachineLearningServices resources, with Entra/OIDC identity, Azurite blob storage, long-running
 * operations, a request journal and fault injection; online deployments are scored, and batch jobs run, by real
 * python3 processes. State lives in one directory that several processes share.
 */
import { createServer } from 'node:https';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { ensureTls } from './tls';
import { openIdentity, ML_AUDIENCE } from './identity';
import { JsonStore } from './state/json-store';
import type { ArmState } from './state/model';
import { emptyState } from './state/model';
import { Journal } from './journal';
import { ArmRouter } from './arm/router';
import { resourceTypes } from './arm/resource-types';
import { createRequestHandler } from './server';
import { StorageService } from './storage';
import { addRoleAssignment, seedAmlComputesOnce, seedClustersOnce, seedDefaultWorld } from './world';
import type { ControlDeps } from './control';
import { registryDataPlane } from './registry-dataplane';
import { RegistryCopier } from './registry-copier';
import { pidAlive } from './pid';
import { DeploymentStarter } from './deployment-starter';
import { DeploymentRuntime as ScoringRuntime, handleScoringControl, scoringDataPlane } from './scoring';
import { handleAlertsControl, type Notification } from './alerts/evaluate';
import { handleMonitorControl } from './monitors/run';
import { handleEventGridControl } from './eventgrid/publish';
import { handleDataSeed } from './data-seed';
import type { Delivery } from './eventgrid/deliver';
import { flushLogs } from './scoring/logs';
import { removeDeadTokens } from './state/lock';
import { BatchJobRunner, batchDataPlane, handleBatchControl } from './batch';
import { loadTestingDataPlane } from './loadtesting/data-plane';
import { LoadTestRunner } from './loadtesting/runner';
import { seedLoadTestsOnce } from './loadtesting/arm';
import { CommandJobRunner } from './jobs/runner';

export interface EmulatorOptions {
  /** All state lives here; several processes may share it. */
  stateDir: string;
  /** Default <stateDir>/tls (tests pass test/.ca so Node already trusts it). */
  tlsDir?: string;
  /** Default 0 = a free port. */
  port?: number;
  /** Default true: start Azurite for blob storage. */
  azurite?: boolean;
  /** Provisioning time of long-running operations; when given, it becomes the state's default. */
  lroDurationMs?: number;
  log?: (line: string) => void;
}

export interface RunningEmulator {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Everything a client process needs. */
  env: Record<string, string>;
  /** Credentials the emulator hands out (client secrets, OIDC request tokens, storage keys), for masking. */
  secretValues(): string[];
  /** Runs deployments' scoring scripts (started while a deployment's operation runs, stopped when it goes). */
  scoring: ScoringRuntime;
  stop(): Promise<void>;
}

export const ARM_AUDIENCE = 'https://management.azure.com/';

export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const stateDir = resolve(opts.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const log = opts.log ?? (() => undefined);
  const tls = ensureTls(opts.tlsDir ? resolve(opts.tlsDir) : join(stateDir, 'tls'));
  // Lock token files that holders killed on this host left behind (state/lock.ts).
  removeDeadTokens(stateDir);
  removeDeadTokens(join(stateDir, 'scoring'));
  const store = new JsonStore<ArmState>(join(stateDir, 'arm.json'), emptyState);
  const journal = new Journal(stateDir);

  let handler: RequestListener | undefined;
  const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503, { 'Retry-After': '1' }).end();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;

  let storage: StorageService | undefined;
  let copier: RegistryCopier | undefined;
  let starter: DeploymentStarter | undefined;
  let scoring: ScoringRuntime | undefined;
  let batchRunner: BatchJobRunner | undefined;
  let loadRunner: LoadTestRunner | undefined;
  let commandRunner: CommandJobRunner | undefined;
  try {
    const identity = await openIdentity({ stateDir, baseUrl: url });
    const idWorld = identity.world();
    await store.update((s) => {
      if (!s.seeded) {
        seedDefaultWorld(s, idWorld.tenantId, idWorld.apps[0]?.objectId, Date.now());
        // The managed identities of the emulated host may work in the default subscription, as the demo app does.
        const host = idWorld.managedIdentity;
        for (const mi of [...(host.systemAssigned ? [host.systemAssigned] : []), ...host.userAssigned]) {
          addRoleAssignment(s, { principalId: mi.principalId, scope: `/subscriptions/${s.defaults!.subscriptionId}`, role: 'Contributor' });
        }
      } else {
        seedClustersOnce(s, idWorld.tenantId, Date.now());
        seedAmlComputesOnce(s, Date.now());
        seedLoadTestsOnce(s, idWorld.tenantId, Date.now());
      }
      if (opts.lroDurationMs !== undefined) s.settings.lroDurationMs = opts.lroDurationMs;
      if (opts.azurite === false && s.azurite && !pidAlive(s.azurite.pid)) delete s.azurite;
    });
    if (opts.azurite !== false) {
      storage = new StorageService(stateDir, store, tls, log, journal);
      await storage.sync();
    }
    const control: ControlDeps = { store, journal, identity, syncStorage: () => storage?.sync() ?? Promise.resolve() };
    copier = new RegistryCopier(store, tls.caCertPem, log);
    copier.start();
    const runtime = new ScoringRuntime({ stateDir, store, ca: tls.caCertPem, log });
    const outbox: Notification[] = [];
    const deliveries: Delivery[] = [];
    scoring = runtime;
    // A request's line in its deployment's log is on disk before the request's journal entry (and response).
    journal.beforeWrite = flushLogs;
    // Deployment operations wait for their scoring process: this process may be the one that starts it.
    starter = new DeploymentStarter(store, runtime, log);
    handler = createRequestHandler({
      baseUrl: url,
      store,
      journal,
      identity,
      arm: new ArmRouter(store, identity, resourceTypes, { metrics: runtime.metrics, inferenceLog: (id, tail) => runtime.logFile(id, 'InferenceServer', tail) }),
      control,
      extraRoutes: [registryDataPlane({ store, identity }), scoringDataPlane({ stateDir, store, identity }), batchDataPlane({ stateDir, store, identity }), loadTestingDataPlane({ store, identity })],
      controlRoutes: [
        (method, u, body) => handleScoringControl({ stateDir, store, runtime }, method, u, body),
        (method, u, body) => handleBatchControl(store, method, u, body),
        (method, u, body) => handleAlertsControl({ store, metrics: runtime.metrics, outbox }, method, u, body),
        (method, u) => handleMonitorControl({ store, ca: tls.caCertPem, events: { store, deliveries } }, method, u),
        (method, u, body) => handleEventGridControl({ store, deliveries }, method, u, body),
        (method, u, body) => handleDataSeed({ store, ca: tls.caCertPem, baseUrl: url }, method, u, body),
      ],
      log,
    });
    // Harness processes a dead emulator process on this state directory left behind: reap, and bring back.
    await runtime.recover();
    starter.start();
    // Batch jobs the data plane accepted run in whichever emulator process on this state directory claims them.
    batchRunner = new BatchJobRunner({ stateDir, store, ca: tls.caCertPem, log });
    batchRunner.start();
    // Azure Load Testing runs, likewise: the emulator drives the plan's target with the project's load engine.
    loadRunner = new LoadTestRunner({ store, ca: tls.caCertPem, log });
    loadRunner.start();
    // So do command jobs (workspaces/jobs, jobType Command).
    commandRunner = new CommandJobRunner({ stateDir, store, ca: tls.caCertPem, log });
    commandRunner.start();

    const defaults = store.read().defaults!;
    const env: Record<string, string> = {
      ...identity.clientEnv(),
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
      AML_CLOUD: 'Custom',
      AML_ARM_ENDPOINT: url,
      AML_ARM_AUDIENCE: ARM_AUDIENCE,
      AML_AUTHORITY_HOST: `${url}/entra`,
      AML_ML_AUDIENCE: ML_AUDIENCE,
      AZURE_SUBSCRIPTION_ID: defaults.subscriptionId,
      AML_RESOURCE_GROUP: defaults.resourceGroup,
      AML_WORKSPACE: defaults.workspace,
      AML_EMULATOR_URL: url,
    };
    if (defaults.registry) {
      // AML_REGISTRY would make every register-model run target the registry (inputs read AML_<NAME>): name it apart.
      env.AML_REGISTRY_NAME = defaults.registry.name;
      env.AML_REGISTRY_SUBSCRIPTION_ID = defaults.registry.subscriptionId;
      env.AML_REGISTRY_RESOURCE_GROUP = defaults.registry.resourceGroup;
    }
    log(`emulator listening on ${url} (state ${stateDir})`);
    return {
      url,
      env,
      secretValues: () => [...identity.secretValues(), ...Object.values(store.read().storageAccounts).map((a) => a.key)],
      scoring: runtime,
      stop: async () => {
        await loadRunner?.stop();
        await batchRunner?.stop();
        await commandRunner?.stop();
        await starter?.stop();
        await runtime.stopAll();
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await copier?.stop();
        await storage?.stop();
        journal.close();
      },
    };
  } catch (e) {
    server.close();
    await loadRunner?.stop();
    await batchRunner?.stop();
    await commandRunner?.stop();
    await starter?.stop();
    await scoring?.stopAll();
    await copier?.stop();
    await storage?.stop();
    throw e;
  }
}
