/**
 * Blob storage for the emulated workspaces: one Azurite per state dir (data in `<stateDir>/azurite`), reused
 * by another emulator process on the same dir while its owner runs, restarted on the same port when new
 * storage accounts appear (Azurite learns accounts only at start). Its owner also runs the blob front (journal,
 * faults, then Azurite), which keeps its port across Azurite restarts: clients only ever see the front.
 */
import { join } from 'node:path';
import type { JsonStore } from './state/json-store';
import type { ArmState, StorageAccount } from './state/model';
import type { RunningAzurite } from './azurite';
import { startAzurite } from './azurite';
import { createContainer } from './blob-admin';
import type { RunningBlobFront } from './blob-front';
import { startBlobFront } from './blob-front';
import type { Journal } from './journal';
import type { TlsMaterial } from './tls';
import { pidAlive } from './pid';
import { portOpen } from './ports';

export class StorageService {
  private owned?: RunningAzurite;
  private front?: RunningBlobFront;
  private knownAccounts = new Set<string>();

  constructor(
    private readonly stateDir: string,
    private readonly store: JsonStore<ArmState>,
    private readonly tls: TlsMaterial,
    private readonly log: (line: string) => void,
    private readonly journal: Journal,
  ) {}

  /** Make sure Azurite runs with every account in the state and every account's containers exist. */
  async sync(): Promise<void> {
    const state = this.store.read();
    const accounts = Object.values(state.storageAccounts);
    const missing = accounts.some((a) => !this.knownAccounts.has(a.name));
    let port = state.azurite?.port;
    const foreign = state.azurite && !this.owned && state.azurite.pid !== process.pid && pidAlive(state.azurite.pid) && (await portOpen(state.azurite.port));
    if (foreign) {
      // Another emulator process on this dir runs Azurite; it learns accounts added here only when it restarts.
      if (missing) this.log('[storage] Azurite belongs to another emulator process on this state dir; new storage accounts reach it when it restarts');
    } else if (!this.owned || missing) {
      if (this.owned) await this.owned.stop();
      this.owned = await startAzurite({
        location: join(this.stateDir, 'azurite'),
        certPath: this.tls.serverCertPath,
        keyPath: this.tls.serverKeyPath,
        caPath: this.tls.caCertPath,
        accounts: accounts.map((a) => ({ name: a.name, key: a.key })),
        // Keep the port across restarts when it is free, so datastore endpoints stay valid.
        port: port && !(await portOpen(port)) ? port : undefined,
        log: (l) => this.log(`[azurite] ${l.trimEnd()}`),
      });
      if (!this.front) {
        const frontPort = state.azurite?.frontPort;
        this.front = await startBlobFront(
          { store: this.store, journal: this.journal, tls: this.tls, log: this.log },
          frontPort && !(await portOpen(frontPort)) ? frontPort : 0,
        );
      }
      const running = { port: this.owned.port, pid: process.pid, frontPort: this.front.port };
      await this.store.update((s) => {
        s.azurite = running;
      });
      port = running.port;
    }
    for (const a of accounts) this.knownAccounts.add(a.name);
    await this.createContainers(`127.0.0.1:${port}`, accounts);
  }

  private async createContainers(hostPort: string, accounts: StorageAccount[]): Promise<void> {
    for (const a of accounts) {
      for (const c of a.containers) await createContainer(hostPort, a.name, a.key, c, this.tls.caCertPem);
    }
  }

  async stop(): Promise<void> {
    const front = this.front;
    this.front = undefined;
    await front?.stop();
    if (!this.owned) return;
    const owned = this.owned;
    this.owned = undefined;
    await owned.stop();
    await this.store.update((s) => {
      if (s.azurite?.pid === process.pid) delete s.azurite;
    });
  }
}
