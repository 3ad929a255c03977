/**
 * Opening a local data file: only a regular file is opened (a FIFO would block the open, a folder or device is a
 * mistake), checked by path first and again on the open descriptor: core/files' checks, with data files named so.
 */
import { statSync, type Stats } from 'node:fs';
import { openRegularFile as openChecked, statRegularFile as statChecked } from '../../core/files';

export interface OpenedFile {
  fd: number;
  size: number;
}

export function statRegularFile(path: string, input?: string): Stats {
  return statChecked(path, input, 'Data file');
}

/** What changes when the file at `path` changes: its device, inode, size and modification time (undefined: gone). */
export function fileIdentity(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${path}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}

/** Opens `path` for reading when it is a regular file; the caller closes `fd`. */
export function openRegularFile(path: string, input?: string): OpenedFile {
  return openChecked(path, input, 'Data file');
}
