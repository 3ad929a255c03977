/**
 * A content hash of a local file or folder for content-addressed upload: stable over directory listing order,
 * sensitive to relative paths and bytes, honouring `.amlignore` (else `.gitignore`) at the folder root like `az ml`.
 * Large files are streamed, so large models are never held in memory.
 *
 * The folder is listed, and small files are read, with synchronous calls in short runs between which the event loop
 * gets a turn: hashing runs while the step signs in and loads its libraries, and an asynchronous call per entry would
 * wait behind each of those long tasks (a two-file model took 60 ms to hash that way, for 2 kB).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { Ignore } from 'ignore';
import { inputError, StepError } from '../core/errors';
import { describeFileType, isInsideFolder, readRegularFile } from '../core/files';

export interface ContentFile {
  /** POSIX-style path relative to the folder (the file name for a single file) */
  relativePath: string;
  size: number;
  absolutePath: string;
}

export interface ContentHash {
  /** sha256, hex */
  hash: string;
  /** sorted by relativePath */
  files: ContentFile[];
  totalBytes: number;
  /** the hashed file or folder, absolute */
  root: string;
  isFile: boolean;
  /** the ignore file that applied, if any */
  ignoreFile?: string;
}

export const IGNORE_FILES = ['.amlignore', '.gitignore'] as const;

/** Bumped if the hashing scheme ever changes, so old uploads are not mistaken for new ones. */
const SCHEME = 'aml-lifecycle-content-v1';

/** The folder's ignore rules; the `ignore` package is loaded only when there is an ignore file (after sign-in has started). */
async function loadIgnore(root: string): Promise<{ ig?: Ignore; file?: string }> {
  for (const name of IGNORE_FILES) {
    const p = join(root, name);
    if (!existsSync(p)) continue;
    const rules = readRegularFile(p, { maxBytes: 1024 * 1024 });
    const { default: ignore } = await import('ignore');
    return { ig: ignore().add(rules), file: p };
  }
  return {};
}

/** Files up to this size are read in one call; larger ones are streamed. */
const SMALL_FILE_BYTES = 1024 * 1024;
/** Synchronous work between two turns of the event loop: this many directory entries, or this many bytes read. */
const ENTRIES_PER_TURN = 256;
const BYTES_PER_TURN = 8 * 1024 * 1024;

const statOrUndefined = (p: string): Stats | undefined => {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
};
const realpathOrUndefined = (p: string): string | undefined => {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
};

async function listFiles(root: string, ig: Ignore | undefined, signal?: AbortSignal): Promise<ContentFile[]> {
  const files: ContentFile[] = [];
  const seenDirs = new Set<string>();
  const realRoot = realpathSync(root);
  let sinceTurn = 0;
  const walk = async (dir: string, rel: string): Promise<void> => {
    signal?.throwIfAborted();
    const real = realpathSync(dir);
    if (seenDirs.has(real)) return; // a symlink loop
    seenDirs.add(real);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (++sinceTurn >= ENTRIES_PER_TURN) {
        sinceTurn = 0;
        await turn();
        signal?.throwIfAborted();
      }
      const abs = join(dir, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size = 0;
      if (entry.isSymbolicLink()) {
        const target = realpathOrUndefined(abs); // dangling links are skipped
        if (target === undefined) continue;
        if (!isInsideFolder(realRoot, target)) {
          if (ig?.ignores(childRel)) continue;
          throw inputError(`Model folder '${root}': the symbolic link '${childRel}' points outside the folder (to '${target}')`, {
            hint: 'Copy the file into the model folder, or list the link in .amlignore.',
          });
        }
      }
      if (entry.isSymbolicLink() || isFile) {
        const st = statOrUndefined(abs);
        if (!st) continue;
        isDir = st.isDirectory();
        isFile = st.isFile();
        size = st.size;
      }
      if (isDir) {
        if (!ig?.ignores(`${childRel}/`)) await walk(abs, childRel);
      } else if (isFile) {
        if (!ig?.ignores(childRel)) files.push({ relativePath: childRel, size, absolutePath: abs });
      } else if (!ig?.ignores(childRel)) {
        const st = statOrUndefined(abs);
        const kind = st ? describeFileType(st) : 'not a regular file';
        throw inputError(`Model folder '${root}': '${childRel}' is ${kind}, which cannot be uploaded`, {
          hint: 'Remove it from the folder, or list it in .amlignore.',
        });
      }
    }
  };
  await walk(root, '');
  return files;
}

async function feedFile(hash: Hash, file: ContentFile, signal?: AbortSignal): Promise<void> {
  let read = 0;
  if (file.size <= SMALL_FILE_BYTES) {
    // One byte more than listed: a file that grew shows as changed, and no more than that is ever read.
    const buffer = Buffer.allocUnsafe(file.size + 1);
    const fd = openSync(file.absolutePath, 'r');
    try {
      for (let n = -1; n !== 0 && read < buffer.length; read += n) n = readSync(fd, buffer, read, buffer.length - read, null);
    } finally {
      closeSync(fd);
    }
    hash.update(buffer.subarray(0, Math.min(read, file.size)));
  } else {
    for await (const chunk of createReadStream(file.absolutePath, { highWaterMark: 1 << 20 })) {
      signal?.throwIfAborted();
      hash.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
  }
  if (read !== file.size) {
    throw inputError(`${file.absolutePath} changed while it was being hashed (${file.size} bytes listed, ${read} read)`);
  }
}

export async function hashContent(path: string, options: { signal?: AbortSignal } = {}): Promise<ContentHash> {
  try {
    return await hashTree(path, options.signal);
  } catch (e) {
    if (options.signal?.aborted && !(e instanceof StepError)) throw new StepError('cancelled', 'Hashing was cancelled', { cause: e });
    throw e;
  }
}

async function hashTree(path: string, signal: AbortSignal | undefined): Promise<ContentHash> {
  const root = resolve(path);
  const st = statOrUndefined(root);
  if (!st) throw inputError(`Cannot hash '${path}': it does not exist`);
  if (!st.isFile() && !st.isDirectory()) throw inputError(`Cannot hash '${path}': not a file or folder`);
  const isFile = st.isFile();
  let files: ContentFile[];
  let ignoreFile: string | undefined;
  if (isFile) {
    files = [{ relativePath: basename(root), size: st.size, absolutePath: root }];
  } else {
    const ig = await loadIgnore(root);
    ignoreFile = ig.file;
    files = await listFiles(root, ig.ig, signal);
    if (files.length === 0) {
      throw inputError(
        ig.file
          ? `Model folder '${path}' has nothing to upload: every file in it is ignored by ${basename(ig.file)}`
          : `Model folder '${path}' is empty: there is nothing to upload`,
        { hint: 'Point the model path at the folder that holds the model files.' },
      );
    }
    files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  }
  const hash = createHash('sha256');
  hash.update(`${SCHEME}\n${isFile ? 'file' : 'folder'}\n`);
  let totalBytes = 0;
  let readSinceTurn = 0;
  for (const f of files) {
    if (readSinceTurn >= BYTES_PER_TURN) {
      readSinceTurn = 0;
      await turn();
    }
    signal?.throwIfAborted();
    if (f.size <= SMALL_FILE_BYTES) readSinceTurn += f.size;
    // Length-prefixed framing: no two different trees produce the same byte stream.
    hash.update(`${Buffer.byteLength(f.relativePath)}:${f.relativePath}\0${f.size}\0`);
    await feedFile(hash, f, signal);
    totalBytes += f.size;
  }
  return { hash: hash.digest('hex'), files, totalBytes, root, isFile, ...(ignoreFile ? { ignoreFile } : {}) };
}
