/**
 * What the emulator's background workers share (the registry copier, the deployment starter): a timer that looks
 * at the state file's mtime and drains jobs only when something changed (or, with `sweepMs`, also every so often),
 * one drain at a time, and claims that make a job exclusive across the processes sharing the state directory.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { pidAlive } from '../pid';
import type { JsonStore } from './json-store';
import type { ArmState } from './model';

export interface JobClaim {
  pid: number;
  host: string;
  at: number;
  nonce: string;
}

/** A claim older than this, by a process on another host, is abandoned. */
const STALE_CLAIM_MS = 10 * 60 * 1000;

/** Free, or claimed by a process that is gone (on this host), or by one silent for too long (on another). */
export function claimable(claim: JobClaim | undefined, now: number): boolean {
  if (!claim) return true;
  if (claim.host === hostname()) return claim.pid !== process.pid && !pidAlive(claim.pid);
  return now - claim.at > STALE_CLAIM_MS;
}

export abstract class StateJobWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastSweep = 0;
  /** The state file's mtime when the last drain found nothing left to do. */
  protected lastMtime = -1;
  protected stopped = false;
  protected readonly nonce = randomBytes(8).toString('hex');

  constructor(
    protected readonly store: JsonStore<ArmState>,
    protected readonly log: (line: string) => void,
    private readonly label: string,
    private readonly sweepMs?: number,
  ) {}

  start(intervalMs = 50): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** A claim by this process, now. */
  protected claimNow(now = Date.now()): JobClaim {
    return { pid: process.pid, host: hostname(), at: now, nonce: this.nonce };
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    let mtime: number;
    try {
      mtime = statSync(this.store.path).mtimeMs;
    } catch {
      return;
    }
    const sweep = this.sweepMs !== undefined && Date.now() - this.lastSweep >= this.sweepMs;
    if (mtime === this.lastMtime && !sweep) return;
    if (sweep) this.lastSweep = Date.now();
    this.running = this.drain(mtime, sweep)
      .catch((e: Error) => this.log(`[${this.label}] ${e.message}`))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Do what there is to do; set `lastMtime = mtime` once nothing is left. */
  protected abstract drain(mtime: number, sweep: boolean): Promise<void>;
}
