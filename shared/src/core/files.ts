/**
 * Reading small input files (YAML/JSON specs, metrics) safely: stat first and refuse anything that is not a regular
 * file, so a FIFO, socket, device or folder is never opened (opening a FIFO blocks until a writer appears), and
 * refuse files over a size limit so a mistaken path cannot exhaust memory.
 */
import { closeSync, fstatSync, openSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
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

/** Names the file in messages: `'<input>' file '<path>'`, else `<noun> '<path>'`. */
function fileLabel(path: string, input?: string, noun = 'File'): string {
  return input ? `'${input}' file '${path}'` : `${noun} '${path}'`;
}

function refuseNonRegular(path: string, st: Stats, input?: string, noun?: string): never {
  throw inputError(`${fileLabel(path, input, noun)} is ${describeFileType(st)}, not a regular file`, {
    input,
    location: { file: path },
    hint: st.isDirectory() ? 'Give the path of a file inside the folder.' : 'Give the path of an ordinary file.',
  });
}

/** The file's stats when `path` is a regular file; an input error naming it (missing, unreadable, a folder, FIFO, device) otherwise. */
export function statRegularFile(path: string, input?: string, noun?: string): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? String(e)})`;
    throw inputError(`${fileLabel(path, input, noun)} ${why}`, { input, location: { file: path }, cause: e });
  }
  if (!st.isFile()) refuseNonRegular(path, st, input, noun);
  return st;
}

/** Opens `path` for reading when it is a regular file, checked by path and again on the open descriptor; the caller closes `fd`. */
export function openRegularFile(path: string, input?: string, noun?: string): { fd: number; size: number } {
  statRegularFile(path, input, noun);
  const fd = openSync(path, 'r');
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    refuseNonRegular(path, st, input, noun);
  }
  return { fd, size: st.size };
}

export function readRegularFile(path: string, options: ReadRegularFileOptions = {}): string {
  const { input, maxBytes = MAX_SPEC_BYTES } = options;
  const what = fileLabel(path, input);
  const location = { file: path };
  const st = statRegularFile(path, input);
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

/** True when `path` is `folder` or inside it, compared as written (resolve both first; no link is followed). */
export function isInsideFolder(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * `raw` resolved against `folder`, when it stays inside it as written (`..` and absolute paths elsewhere are
 * refused); no file is looked at, so a missing file is not a problem here.
 */
export function resolveInsideFolder(folder: string, raw: string): { path: string } | { problem: string } {
  const base = resolve(folder);
  const path = resolve(base, raw);
  if (!isInsideFolder(base, path)) return { problem: `'${raw}' is outside the folder ${base} (it resolves to ${path})` };
  return { path };
}

/**
 * Reads a regular file named relative to `folder` only when it is inside the folder both as written and after
 * following symbolic links (a link pointing out of the folder is refused). Errors are input errors naming `raw`.
 */
export function readRegularFileInside(folder: string, raw: string, options: ReadRegularFileOptions = {}): { path: string; text: string } {
  const inside = resolveInsideFolder(folder, raw);
  if ('problem' in inside) throw inputError(`File ${inside.problem}`, { input: options.input, hint: 'Only files inside that folder are read.' });
  statRegularFile(inside.path, options.input);
  let real: string;
  let realFolder: string;
  try {
    real = realpathSync(inside.path);
    realFolder = realpathSync(resolve(folder));
  } catch (e) {
    throw inputError(`File '${raw}' cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: options.input, cause: e });
  }
  if (!isInsideFolder(realFolder, real)) {
    throw inputError(`File '${raw}' is a link to ${real}, outside the folder ${realFolder}`, { input: options.input, hint: 'Only files inside that folder are read.' });
  }
  return { path: inside.path, text: readRegularFile(real, options) };
}
