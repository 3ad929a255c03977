/**
 * Reading small input files (YAML/JSON specs, metrics) safely: stat first and refuse anything that is not a regular
 * file, so a FIFO, socket, device or folder is never opened (opening a FIFO blocks until a writer appears), and
 * refuse files over a size limit so a mistaken path cannot exhaust memory.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { inputError } from './errors';

export const MAX_SPEC_BYTES = 16 * 1024 * 1024;

export interface ReadRegularFileOptions {
  /** The step input the path came from (kebab-case), named in errors. */
  input?: string;
  /** Largest accepted size in bytes; default 16 MiB. */
  maxBytes?: number;
}

export function describeFileType(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function readRegularFile(path: string, options: ReadRegularFileOptions = {}): string {
  const { input, maxBytes = MAX_SPEC_BYTES } = options;
  const what = input ? `'${input}' file '${path}'` : `File '${path}'`;
  const location = { file: path };
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? String(e)})`;
    throw inputError(`${what} ${why}`, { input, location, cause: e });
  }
  if (!st.isFile()) {
    const kind = describeFileType(st);
    throw inputError(`${what} is ${kind}, not a regular file`, {
      input,
      location,
      hint: st.isDirectory() ? 'Give the path of a file inside the folder.' : 'Give the path of an ordinary file.',
    });
  }
  if (st.size > maxBytes) {
    throw inputError(`${what} is ${st.size} bytes, over the ${maxBytes}-byte limit`, { input, location });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw inputError(`${what} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input, location, cause: e });
  }
  // It may have grown between stat and read.
  if (Buffer.byteLength(text) > maxBytes) throw inputError(`${what} is over the ${maxBytes}-byte limit`, { input, location });
  return text;
}
