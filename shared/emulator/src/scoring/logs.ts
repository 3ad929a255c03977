/**
 * Bounded container logs on disk (so getLogs works from any emulator process): lines are appended; when the file
 * grows past `maxBytes` it is cut to its newest half.
 */
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

export type ContainerType = 'InferenceServer' | 'StorageInitializer';

export const LOG_FILES: Record<ContainerType, string> = {
  InferenceServer: 'inference-server.log',
  StorageInitializer: 'storage-initializer.log',
};

export class BoundedLog {
  private partial = '';

  constructor(
    readonly path: string,
    private readonly maxBytes = 512 * 1024,
  ) {}

  reset(): void {
    writeFileSync(this.path, '');
    this.partial = '';
  }

  line(text: string): void {
    this.append(`${text}\n`);
  }

  /** Raw process output: whole lines are written, a trailing partial line waits for its end. */
  chunk(data: Buffer | string): void {
    const text = this.partial + data.toString();
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.partial = text;
      return;
    }
    this.partial = text.slice(cut + 1);
    this.append(text.slice(0, cut + 1));
  }

  flush(): void {
    if (this.partial) this.append(`${this.partial}\n`);
    this.partial = '';
  }

  private append(text: string): void {
    appendFileSync(this.path, text);
    if (statSync(this.path).size > this.maxBytes) {
      const all = readFileSync(this.path, 'utf8');
      const keep = all.slice(all.length - Math.floor(this.maxBytes / 2));
      writeFileSync(this.path, keep.slice(keep.indexOf('\n') + 1));
    }
  }
}

/** The last `tail` lines (all when absent) of a log file; '' when it does not exist. */
export function readLog(path: string, tail?: number): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8');
  if (tail === undefined || tail <= 0) return text;
  const lines = text.replace(/\n$/, '').split('\n');
  return `${lines.slice(-tail).join('\n')}\n`;
}
