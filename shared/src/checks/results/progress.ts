/**
 * Progress lines for a long check (a data file read, a load run): at most one line every `everyMs`, the first
 * once `everyMs` has passed (a check that ends sooner prints only its `finish` line), like
 *   "  drift: 420,000 of 1,000,000 rows read, 12.3 s elapsed, ETA 17.0 s".
 * The clock is injected, so tests drive it by hand; nothing here starts a timer.
 */
import { printable } from '../../core/escape';
import { formatCount, formatSeconds } from './format';

export interface Progress {
  done: number;
  /** When known: the ETA is shown */
  total?: number;
  /** 'rows' | 'requests', or any plural noun */
  unit: string;
}

export interface ProgressTickerOptions {
  /** Shown before each line ("drift"), usually the check's name */
  label?: string;
  /** Least time between two lines; default 5000 */
  everyMs?: number;
  now?: () => number;
}

const VERB: Record<string, string> = { rows: 'read', requests: 'sent', bytes: 'read' };

export class ProgressTicker {
  private readonly everyMs: number;
  private readonly now: () => number;
  private readonly start: number;
  private lastLine: number;
  private last?: Progress;
  private finished = false;

  constructor(
    private readonly log: (line: string) => void,
    private readonly options: ProgressTickerOptions = {},
  ) {
    this.everyMs = Math.max(0, options.everyMs ?? 5000);
    this.now = options.now ?? Date.now;
    this.start = this.now();
    this.lastLine = this.start;
  }

  /** Record how far the work is; prints a line when `everyMs` has passed since the last one (or the start). */
  update(p: Progress): void {
    if (this.finished) return;
    this.last = p;
    const t = this.now();
    if (t - this.lastLine < this.everyMs) return;
    this.lastLine = t;
    this.log(this.line(p, t, false));
  }

  /** The last line, once: how far the work got (`final`, else the last update) and the time it took. */
  finish(final?: Progress): void {
    if (this.finished) return;
    this.finished = true;
    if (final) this.last = final;
    this.log(this.line(this.last, this.now(), true));
  }

  private line(p: Progress | undefined, t: number, done: boolean): string {
    const elapsed = Math.max(0, t - this.start);
    const parts: string[] = [];
    if (p) {
      const of = p.total === undefined ? '' : ` of ${formatCount(p.total)}`;
      parts.push(`${formatCount(p.done)}${of} ${printable(p.unit)} ${VERB[p.unit] ?? 'done'}`);
    }
    parts.push(done ? `done in ${formatSeconds(elapsed)}` : `${formatSeconds(elapsed)} elapsed`);
    if (!done && p && p.total !== undefined && p.done > 0 && p.done < p.total) parts.push(`ETA ${formatSeconds((elapsed * (p.total - p.done)) / p.done)}`);
    const label = this.options.label ? `${printable(this.options.label)}: ` : '';
    return `  ${label}${parts.join(', ')}`;
  }
}
