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

/** A job that ended Failed for a reason of its own (a user error in the job, a missing input), with the service's code. */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** How a job ends when carrying it out threw: Failed with the failure's own code, or SystemError for anything else. */
export function failedEnd(e: Error): { status: 'Failed'; error: { code: string; message: string } } {
  return e instanceof JobFailure
    ? { status: 'Failed', error: { code: e.code, message: e.message } }
    : { status: 'Failed', error: { code: 'SystemError', message: `The emulator could not run the job: ${e.message}` } };
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

  /** The usual drain: claim one item at a time and work on it, until there is nothing left to claim (or a stop). */
  protected async drainClaimed<T>(mtime: number, claim: () => Promise<T | undefined>, work: (item: T) => Promise<void>): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const item = await claim();
      if (!item) {
        this.lastMtime = mtime;
        return;
      }
      await work(item);
    }
  }
}
