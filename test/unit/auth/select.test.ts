import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepError } from '../../../shared/src/core/errors';
import type { AdoServiceConnection, HostAuthContext } from '../../../shared/src/hosts/host';
import { KNOWN_CLOUDS } from '../../../shared/src/auth/clouds';
import { resolveAuth, resolveAuthConfig, type AuthSource } from '../../../shared/src/auth/select';

const getIdToken = async () => 'id';
const TENANT = 't-1';
const CLIENT = 'c-1';

function source(inputs: Record<string, string> = {}, host: HostAuthContext = {}, env: Record<string, string> = {}): AuthSource {
  return { input: (n) => inputs[n], host, env };
}

function failure(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return e as StepError;
  }
  throw new Error('expected a StepError');
}

const wif: AdoServiceConnection = {
  id: 'sc-1',
  scheme: 'WorkloadIdentityFederation',
  tenantId: TENANT,
  servicePrincipalId: CLIENT,
  systemAccessToken: 'sys',
  oidcRequestUri: 'https://dev.azure.com/org/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken',
  subscriptionId: 'sub-1',
};

describe('auth-type auto', () => {
  test('ADO connection wins over everything', () => {
    const c = resolveAuthConfig(source({ 'client-secret': 's', 'client-id': 'x', 'tenant-id': 'y' }, { serviceConnection: wif, getIdToken }));
    expect(c).toEqual({
      type: 'ado-workload-identity',
      tenantId: TENANT,
      clientId: CLIENT,
      serviceConnectionId: 'sc-1',
      systemAccessToken: 'sys',
      oidcRequestUri: wif.oidcRequestUri,
    });
  });

  test('ADO ServicePrincipal connection: secret or certificate by authenticationType', () => {
    const base = { id: 'sc', scheme: 'ServicePrincipal', tenantId: TENANT, servicePrincipalId: CLIENT };
    expect(resolveAuthConfig(source({}, { serviceConnection: { ...base, authenticationType: 'spnKey', servicePrincipalKey: 'k' } }))).toEqual({
      type: 'service-principal-secret',
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: 'k',
    });
    expect(resolveAuthConfig(source({}, { serviceConnection: { ...base, authenticationType: 'spnCertificate', servicePrincipalCertificate: '-----BEGIN CERTIFICATE-----' } }))).toMatchObject({
      type: 'service-principal-certificate',
      certificate: '-----BEGIN CERTIFICATE-----',
    });
    expect(resolveAuthConfig(source({}, { serviceConnection: { id: 'm', scheme: 'ManagedServiceIdentity' } }))).toEqual({ type: 'managed-identity' });
  });

  test('a secret means service principal (inputs, then environment)', () => {
    expect(resolveAuthConfig(source({ 'client-id': CLIENT, 'tenant-id': TENANT, 'client-secret': 's' }, { getIdToken }))).toEqual({
      type: 'service-principal-secret',
      clientId: CLIENT,
      tenantId: TENANT,
      clientSecret: 's',
    });
    expect(resolveAuthConfig(source({}, {}, { AZURE_CLIENT_ID: CLIENT, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_SECRET: 'e' }))).toMatchObject({
      type: 'service-principal-secret',
      clientSecret: 'e',
    });
    // Inputs win over the environment.
    expect(resolveAuthConfig(source({ 'client-id': 'in' }, {}, { AZURE_CLIENT_ID: 'env', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_SECRET: 'e' }))).toMatchObject({ clientId: 'in' });
  });

  test('a certificate as PEM text or as a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cert-'));
    const path = join(dir, 'sp.pem');
    writeFileSync(path, '-----BEGIN PRIVATE KEY-----\n');
    const ids = { 'client-id': CLIENT, 'tenant-id': TENANT };
    expect(resolveAuthConfig(source({ ...ids, 'client-certificate': '-----BEGIN CERTIFICATE-----\nMII' }))).toMatchObject({
      type: 'service-principal-certificate',
      certificate: '-----BEGIN CERTIFICATE-----\nMII',
    });
    expect(resolveAuthConfig(source({ ...ids, 'client-certificate': path }))).toMatchObject({ certificatePath: path });
    expect(resolveAuthConfig(source(ids, {}, { AZURE_CLIENT_CERTIFICATE_PATH: path }))).toMatchObject({ certificatePath: path });
    expect(failure(() => resolveAuthConfig(source({ ...ids, 'client-certificate': join(dir, 'missing.pem') }))).input).toBe('client-certificate');
  });

  test('GitHub OIDC when an ID token is available and both ids are known', () => {
    const c = resolveAuthConfig(source({ 'client-id': CLIENT, 'tenant-id': TENANT }, { getIdToken }));
    expect(c).toEqual({ type: 'github-oidc', clientId: CLIENT, tenantId: TENANT, getIdToken });
  });

  test('GitHub OIDC with one id missing names the missing input', () => {
    const e = failure(() => resolveAuthConfig(source({ 'client-id': CLIENT }, { getIdToken })));
    expect(e.kind).toBe('input');
    expect(e.input).toBe('tenant-id');
    expect(e.message).toBe('tenant-id is required for OIDC: set the input or AZURE_TENANT_ID');
  });

  test('managed identity when an identity endpoint exists, else Azure CLI', () => {
    expect(resolveAuthConfig(source({}, {}, { IDENTITY_ENDPOINT: 'http://169.254.169.254' }))).toEqual({ type: 'managed-identity' });
    expect(resolveAuthConfig(source({ 'client-id': 'uami' }, {}, { MSI_ENDPOINT: 'http://x' }))).toEqual({ type: 'managed-identity', clientId: 'uami' });
    expect(resolveAuthConfig(source())).toEqual({ type: 'azure-cli' });
    // An ID token alone, without ids, is not enough for OIDC.
    expect(resolveAuthConfig(source({}, { getIdToken }))).toEqual({ type: 'azure-cli' });
  });
});

describe('explicit auth-type', () => {
  test('oidc without an ID token explains the permission', () => {
    const e = failure(() => resolveAuthConfig(source({ 'auth-type': 'oidc', 'client-id': CLIENT, 'tenant-id': TENANT })));
    expect(e.input).toBe('auth-type');
    expect(e.hint).toMatch(/id-token: write/);
  });

  test('oidc requires client-id', () => {
    const e = failure(() => resolveAuthConfig(source({ 'auth-type': 'oidc', 'tenant-id': TENANT }, { getIdToken })));
    expect(e.message).toBe('client-id is required for OIDC: set the input or AZURE_CLIENT_ID');
  });

  test('oidc on ADO requires a workload identity connection', () => {
    expect(resolveAuthConfig(source({ 'auth-type': 'OIDC' }, { serviceConnection: wif }))).toMatchObject({ type: 'ado-workload-identity' });
    const e = failure(() => resolveAuthConfig(source({ 'auth-type': 'oidc' }, { serviceConnection: { id: 'x', scheme: 'ServicePrincipal', tenantId: 't', servicePrincipalId: 'c', servicePrincipalKey: 'k' } })));
    expect(e.input).toBe('auth-type');
  });

  test('service-principal without a secret or certificate', () => {
    const e = failure(() => resolveAuthConfig(source({ 'auth-type': 'service-principal', 'client-id': CLIENT, 'tenant-id': TENANT }, { getIdToken })));
    expect(e.input).toBe('client-secret');
  });

  test('service-principal without tenant', () => {
    const e = failure(() => resolveAuthConfig(source({ 'auth-type': 'service-principal', 'client-id': CLIENT, 'client-secret': 's' })));
    expect(e.message).toBe('tenant-id is required for a service principal: set the input or AZURE_TENANT_ID');
  });

  test('managed-identity and azure-cli even when other credentials exist', () => {
    expect(resolveAuthConfig(source({ 'auth-type': 'managed-identity', 'client-secret': 's' }))).toEqual({ type: 'managed-identity' });
    expect(resolveAuthConfig(source({ 'auth-type': 'azure-cli', 'tenant-id': TENANT }, { getIdToken }))).toEqual({ type: 'azure-cli', tenantId: TENANT });
  });

  test('unknown auth-type', () => {
    expect(failure(() => resolveAuthConfig(source({ 'auth-type': 'password' }))).input).toBe('auth-type');
  });

  test('incomplete ADO connections name what is missing', () => {
    expect(failure(() => resolveAuthConfig(source({}, { serviceConnection: { ...wif, systemAccessToken: undefined } }))).message).toMatch(/System.AccessToken/);
    expect(failure(() => resolveAuthConfig(source({}, { serviceConnection: { ...wif, oidcRequestUri: undefined } }))).message).toMatch(/SYSTEM_OIDCREQUESTURI/);
    // The agent's environment variable fills a missing URI.
    expect(resolveAuthConfig(source({}, { serviceConnection: { ...wif, oidcRequestUri: undefined } }, { SYSTEM_OIDCREQUESTURI: 'https://o' }))).toMatchObject({ oidcRequestUri: 'https://o' });
    expect(failure(() => resolveAuthConfig(source({}, { serviceConnection: { id: 'x', scheme: 'PublishProfile' } }))).message).toMatch(/unsupported scheme/);
  });
});

describe('resolveAuth: cloud and subscription', () => {
  test('the connection environment gives the cloud, inputs override it', () => {
    const conn = { ...wif, environment: 'AzureChinaCloud' };
    const r = resolveAuth(source({}, { serviceConnection: conn }));
    expect(r.cloud).toBe(KNOWN_CLOUDS.AzureChinaCloud);
    expect(r.subscriptionId).toBe('sub-1');
    expect(resolveAuth(source({ cloud: 'AzureUSGovernment' }, { serviceConnection: conn })).cloud).toBe(KNOWN_CLOUDS.AzureUSGovernment);
  });

  test('custom cloud from inputs', () => {
    const r = resolveAuth(source({ 'arm-endpoint': 'https://127.0.0.1:9000', 'authority-host': 'https://127.0.0.1:9000', 'client-id': CLIENT, 'tenant-id': TENANT, 'client-secret': 's' }));
    expect(r.cloud.name).toBe('Custom');
    expect(r.config.type).toBe('service-principal-secret');
  });
});
