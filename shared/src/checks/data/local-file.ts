/**
 * Opening a local data file: only a regular file is opened (a FIFO would block the open, a folder or device is a
 * mistake), checked by path first and again on the open descriptor, as core/files does for small spec files.
 */
import { closeSync, fstatSync, openSync, statSync, type Stats } from 'node:fs';
import { inputError } from '../../core/errors';
import { describeFileType } from '../../core/files';

export interface OpenedFile {
  fd: number;
  size: number;
}

function refuse(path: string, st: Stats, input?: string): never {
  const what = input ? `'${input}' file '${path}'` : `Data file '${path}'`;
  throw inputError(`${what} is ${describeFileType(st)}, not a regular file`, {
    input,
    location: { file: path },
    hint: st.isDirectory() ? 'Give the path of a file inside the folder.' : 'Give the path of an ordinary file.',
  });
}

export function statRegularFile(path: string, input?: string): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? String(e)})`;
    throw inputError(`${input ? `'${input}' file '${path}'` : `Data file '${path}'`} ${why}`, {
      input,
      location: { file: path },
      cause: e,
    });
  }
  if (!st.isFile()) refuse(path, st, input);
  return st;
}

/** Opens `path` for reading when it is a regular file; the caller closes `fd`. */
export function openRegularFile(path: string, input?: string): OpenedFile {
  statRegularFile(path, input);
  const fd = openSync(path, 'r');
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    refuse(path, st, input);
  }
  return { fd, size: st.size };
}
