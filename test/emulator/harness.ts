/** Starting an emulator for a test and talking to it over real HTTPS. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorOptions, RunningEmulator } from '../../shared/emulator/src';
import { startEmulator } from '../../shared/emulator/src';

export const TEST_CA_DIR = join(__dirname, '..', '.ca');
export const API = '2025-04-01';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface TestWorld {
  tenantId: string;
  apps: { displayName: string; appId: string; objectId: string; secrets: { value: string }[] }[];
}

export class TestEmulator {
  private tokens = new Map<string, string>();

  constructor(
    readonly emu: RunningEmulator,
    readonly stateDir: string,
  ) {}

  get url(): string {
    return this.emu.url;
  }

  get sub(): string {
    return this.emu.env.AZURE_SUBSCRIPTION_ID;
  }

  get wsPath(): string {
    return `/subscriptions/${this.sub}/resourceGroups/${this.emu.env.AML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${this.emu.env.AML_WORKSPACE}`;
  }

  async control(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return http(`${this.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async world(): Promise<{ identity: TestWorld; arm: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return (await this.control('GET', '/world')).json;
  }

  /** A token from the emulator's Entra token endpoint (client credentials with the app's secret). */
  async token(app?: { appId: string; secrets: { value: string }[] }, scope = 'https://management.azure.com/.default'): Promise<string> {
    const w = (await this.world()).identity;
    const a = app ?? w.apps[0];
    const cacheKey = `${a.appId}|${scope}`;
    const cached = this.tokens.get(cacheKey);
    if (cached) return cached;
    const res = await http(`${this.url}/entra/${w.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: a.appId, client_secret: a.secrets[0].value, scope }).toString(),
    });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
    this.tokens.set(cacheKey, res.json.access_token);
    return res.json.access_token;
  }

  /** An ARM request; `path` may carry its own query. `apiVersion: null` leaves it out. */
  async arm(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string | null; apiVersion?: string | null } = {},
  ): Promise<HttpResult> {
    const url = path.startsWith('https://') ? new URL(path) : new URL(path, this.url);
    const v = opts.apiVersion === undefined ? API : opts.apiVersion;
    if (v !== null && !url.searchParams.has('api-version')) url.searchParams.set('api-version', v);
    const token = opts.token === undefined ? await this.token() : opts.token;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return http(url.toString(), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  stop(): Promise<void> {
    return this.emu.stop();
  }
}

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'aml-emu-'));
}

export async function startTestEmulator(opts: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const stateDir = opts.stateDir ?? tempStateDir();
  const emu = await startEmulator({ tlsDir: TEST_CA_DIR, azurite: false, lroDurationMs: 300, ...opts, stateDir });
  return new TestEmulator(emu, stateDir);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every item of a paged ARM list, following nextLink. */
export async function listAll(t: TestEmulator, url: string): Promise<any[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const items: unknown[] = [];
  let next: string | undefined = url;
  while (next) {
    const page = await t.arm('GET', next);
    if (page.status !== 200) throw new Error(`list failed: ${page.status} ${page.text}`);
    items.push(...page.json.value);
    next = page.json.nextLink;
  }
  return items;
}
