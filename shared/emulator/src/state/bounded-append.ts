/**
 * Appending to a file several processes share (O_APPEND writes), kept to about `maxBytes`: past it the file becomes
 * `<path>.1` (replacing the previous one), so at most two generations are kept. The size is looked at (one stat)
 * on a process's first write to a file and then each time that process has appended another `maxBytes / 16`, not
 * on every write: a file may pass `maxBytes` by that much per writing process before one of them rotates it.
 */
import { appendFileSync, renameSync, statSync } from 'node:fs';

/** Bytes this process appended to each file since it last looked at the file's size. */
const since = new Map<string, number>();

export function appendBounded(path: string, text: string, maxBytes: number): void {
  appendFileSync(path, text);
  const written = (since.get(path) ?? Infinity) + Buffer.byteLength(text);
  if (written < maxBytes / 16) {
    since.set(path, written);
    return;
  }
  since.set(path, 0);
  const st = statSync(path, { throwIfNoEntry: false });
  if (st && st.size > maxBytes) {
    try {
      renameSync(path, `${path}.1`);
    } catch {
      // another process rotated it first
    }
  }
  if (since.size > 4096) since.delete(since.keys().next().value!);
}
