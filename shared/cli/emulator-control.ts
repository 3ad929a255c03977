/**
 * A client for the emulator's control surface (/_emulator/...): world, seeding, journal and faults. Used by the
 * demo and the tests. It trusts the emulator's CA explicitly, so it works in a process started before the CA existed.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { FaultSpec } from '../emulator/src/faults';
import type { IdentitySeed, IdentityWorld } from '../emulator/src/identity';

export type { FaultSpec };

export type { JournalEntry } from '../emulator/src/journal';
import type { JournalEntry } from '../emulator/src/journal';

export interface EmulatorWorld {
  identity: IdentityWorld;
  [key: string]: unknown;
}

export class EmulatorControl {
  private readonly ca: string;

  constructor(
    readonly url: string,
    caPath: string,
  ) {
    this.ca = readFileSync(caPath, 'utf8');
  }

  static fromEnv(env: Record<string, string | undefined>): EmulatorControl {
    const url = env.AML_EMULATOR_URL;
    const ca = env.NODE_EXTRA_CA_CERTS;
    if (!url || !ca) throw new Error('AML_EMULATOR_URL and NODE_EXTRA_CA_CERTS are needed to reach the emulator');
    return new EmulatorControl(url, ca);
  }

  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const target = new URL(path, this.url);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        target,
        { method, ca: this.ca, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            else resolve((text ? JSON.parse(text) : undefined) as T);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  world(): Promise<EmulatorWorld> {
    return this.call('GET', '/_emulator/world');
  }

  seed(patch: { identity?: IdentitySeed; [key: string]: unknown }): Promise<EmulatorWorld> {
    return this.call('POST', '/_emulator/seed', patch);
  }

  async journal(since = 0): Promise<JournalEntry[]> {
    const r = await this.call<{ entries: JournalEntry[] }>('GET', `/_emulator/journal?since=${since}`);
    return r.entries;
  }

  async lastSeq(): Promise<number> {
    const entries = await this.journal(0);
    return entries.length ? entries[entries.length - 1].seq : 0;
  }

  addFault(fault: FaultSpec): Promise<{ id: string }> {
    return this.call('POST', '/_emulator/faults', fault);
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', '/_emulator/faults');
  }
}
