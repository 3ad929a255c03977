/**
 * <stateDir>/identity.json: the world and the issuers' signing keys. Several processes may share the directory,
 * so every read checks whether the file changed (inode, size, mtime) and every write is a locked
 * read-modify-write followed by an atomic rename.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultWorld } from './defaults';
import { newSigningKey, type SigningKey } from './keys';
import type { IdentityWorld } from './world';

export interface IdentityKeys {
  entra: SigningKey;
  github: SigningKey;
  ado: SigningKey;
}

export interface IdentityState {
  version: 1;
  /** Stored form: the emulator's own issuer URLs carry the base-URL placeholder. */
  world: IdentityWorld;
  keys: IdentityKeys;
}

const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 15_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class IdentityStore {
  readonly file: string;
  private readonly lockFile: string;
  private cached?: { stamp: string; state: IdentityState };

  constructor(readonly stateDir: string) {
    this.file = join(stateDir, 'identity.json');
    this.lockFile = `${this.file}.lock`;
    mkdirSync(stateDir, { recursive: true });
  }

  /** The current state, re-read when another process changed the file; created with defaults when absent. */
  read(): IdentityState {
    const stamp = this.stamp();
    if (stamp === undefined) return this.update((s) => s);
    if (this.cached?.stamp === stamp) return this.cached.state;
    const state = JSON.parse(readFileSync(this.file, 'utf8')) as IdentityState;
    this.cached = { stamp, state };
    return state;
  }

  /** Apply `change` to the freshest state under the lock and persist the result. */
  update(change: (state: IdentityState) => IdentityState): IdentityState {
    this.lock();
    try {
      const current = this.stamp() === undefined ? fresh() : (JSON.parse(readFileSync(this.file, 'utf8')) as IdentityState);
      const next = change(current);
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
      this.cached = { stamp: this.stamp() ?? '', state: next };
      return next;
    } finally {
      this.unlock();
    }
  }

  private stamp(): string | undefined {
    try {
      const st = statSync(this.file);
      return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch {
      return undefined;
    }
  }

  private lock(): void {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(this.lockFile, 'wx'));
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      try {
        // A holder that died mid-write leaves its lock behind.
        if (Date.now() - statSync(this.lockFile).mtimeMs > STALE_LOCK_MS) unlinkSync(this.lockFile);
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the lock ${this.lockFile}`);
      sleepSync(5);
    }
  }

  private unlock(): void {
    try {
      unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }
}

function fresh(): IdentityState {
  return {
    version: 1,
    world: defaultWorld(),
    keys: { entra: newSigningKey(), github: newSigningKey(), ado: newSigningKey() },
  };
}
