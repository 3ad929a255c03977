/** Merge an IdentitySeed into the stored world, and show the stored world with resolved issuer and endpoint URLs. */
import { randomUUID } from 'node:crypto';
import { defaultAdoConnection, defaultGitHubJob, defaultManagedIdentityHost, newClientSecret } from './defaults';
import { resolveIssuer, storeIssuer } from './issuers';
import { certificateOnly, describeCertificate } from './keys';
import {
  managedIdentityEndpoint,
  type AdoConnection,
  type AdoConnectionSeed,
  type AppRegistration,
  type AppSeed,
  type FederatedCredential,
  type GitHubJob,
  type GitHubJobSeed,
  type IdentitySeed,
  type IdentityWorld,
  type ManagedIdentity,
  type ManagedIdentityHostSeed,
} from './world';

export function applySeed(world: IdentityWorld, patch: IdentitySeed, baseUrl: string): IdentityWorld {
  const next: IdentityWorld = structuredClone(world);
  for (const app of patch.apps ?? []) mergeApp(next, app, baseUrl);
  for (const job of patch.githubJobs ?? []) mergeGitHubJob(next, job);
  for (const conn of patch.adoConnections ?? []) mergeAdoConnection(next, conn);
  if (patch.managedIdentity) mergeManagedIdentityHost(next, patch.managedIdentity);
  if (patch.lifetimes) {
    for (const [k, v] of Object.entries(patch.lifetimes)) {
      if (v !== undefined && (!Number.isFinite(v) || v <= 0)) throw new Error(`Token lifetime ${k} must be a positive number of seconds.`);
    }
    next.lifetimes = { ...next.lifetimes, ...stripUndefined(patch.lifetimes) };
  }
  if (patch.extraResources) {
    next.extraResources = [...new Set([...next.extraResources, ...patch.extraResources])];
  }
  return next;
}

/** The world as callers see it: issuer URLs resolved against the current base URL. */
export function presentWorld(world: IdentityWorld, baseUrl: string): IdentityWorld {
  const out = structuredClone(world);
  out.managedIdentity = { ...out.managedIdentity, endpoint: managedIdentityEndpoint(baseUrl) };
  for (const app of out.apps) {
    app.federatedCredentials = app.federatedCredentials.map((f) => ({ ...f, issuer: resolveIssuer(f.issuer, baseUrl) }));
  }
  return out;
}

function mergeApp(world: IdentityWorld, seed: AppSeed, baseUrl: string): void {
  let app = world.apps.find((a) => (seed.appId ? a.appId === seed.appId : a.displayName === seed.displayName));
  if (!app) {
    app = {
      displayName: seed.displayName,
      appId: seed.appId ?? randomUUID(),
      objectId: seed.objectId ?? randomUUID(),
      secrets: [{ id: randomUUID(), value: seed.secret ?? newClientSecret() }],
      certificates: [],
      federatedCredentials: [],
    } satisfies AppRegistration;
    world.apps.push(app);
  } else {
    app.displayName = seed.displayName;
    if (seed.objectId) app.objectId = seed.objectId;
    if (seed.secret !== undefined) app.secrets = [{ id: randomUUID(), value: seed.secret }];
  }
  for (const pem of seed.certificates ?? []) {
    const info = describeCertificate(pem);
    if (!app.certificates.some((c) => c.x5tS256 === info.x5tS256)) {
      app.certificates.push({ pem: certificateOnly(pem), x5t: info.x5t, x5tS256: info.x5tS256, thumbprint: info.thumbprint });
    }
  }
  for (const fic of seed.federatedCredentials ?? []) {
    const stored: FederatedCredential = { ...fic, issuer: storeIssuer(fic.issuer, baseUrl), audiences: [...fic.audiences] };
    const i = app.federatedCredentials.findIndex((f) => f.name === fic.name);
    if (i >= 0) app.federatedCredentials[i] = stored;
    else app.federatedCredentials.push(stored);
  }
}

function mergeGitHubJob(world: IdentityWorld, seed: GitHubJobSeed): void {
  const i = world.githubJobs.findIndex((j) => (seed.id && j.id === seed.id) || (seed.requestToken && j.requestToken === seed.requestToken));
  const base: GitHubJob = i >= 0 ? world.githubJobs[i]! : defaultGitHubJob();
  const job: GitHubJob = { ...base, ...stripUndefined(seed) };
  if (i >= 0) world.githubJobs[i] = job;
  else world.githubJobs.push(job);
}

function mergeAdoConnection(world: IdentityWorld, seed: AdoConnectionSeed): void {
  const i = world.adoConnections.findIndex((c) =>
    seed.id ? c.id === seed.id : c.name === seed.name && c.organization === (seed.organization ?? c.organization),
  );
  let base: AdoConnection;
  if (i >= 0) base = world.adoConnections[i]!;
  else {
    base = defaultAdoConnection();
    // A new connection in a known organization or project keeps that organization's and project's ids.
    const org = world.adoConnections.find((c) => c.organization === (seed.organization ?? base.organization));
    if (org) {
      base.organizationId = org.organizationId;
      if (org.project === (seed.project ?? base.project)) base.projectId = org.projectId;
    }
  }
  const conn: AdoConnection = { ...base, ...stripUndefined(seed) };
  if (i >= 0) world.adoConnections[i] = conn;
  else world.adoConnections.push(conn);
}

function mergeManagedIdentityHost(world: IdentityWorld, seed: ManagedIdentityHostSeed): void {
  const host = world.managedIdentity;
  if (seed.identityHeader !== undefined) {
    if (!seed.identityHeader) throw new Error('managedIdentity.identityHeader must not be empty.');
    host.identityHeader = seed.identityHeader;
  }
  if (seed.systemAssigned === null) delete host.systemAssigned;
  else if (seed.systemAssigned) {
    const base = host.systemAssigned ?? defaultManagedIdentityHost().systemAssigned!;
    host.systemAssigned = { ...base, ...stripUndefined(seed.systemAssigned) };
  }
  for (const mi of seed.userAssigned ?? []) {
    const i = host.userAssigned.findIndex((u) => (mi.clientId ? u.clientId.toLowerCase() === mi.clientId.toLowerCase() : u.name === mi.name));
    const base: ManagedIdentity = i >= 0 ? host.userAssigned[i]! : { name: mi.name, clientId: randomUUID(), principalId: randomUUID() };
    const merged: ManagedIdentity = { ...base, ...stripUndefined(mi) };
    if (i >= 0) host.userAssigned[i] = merged;
    else host.userAssigned.push(merged);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
