/**
 * Local files and folders an online spec names (code folder, scoring script, model path, conda file, build
 * context): resolved against the YAML file's folder (reference §0.4), and, when the caller names a boundary
 * folder, used only when they are inside it (after following symbolic links) and of the expected kind.
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeFileType, isInsideFolder } from '../../core/files';

export interface PathContext {
  /** Folder relative paths resolve against. */
  baseDir: string;
  /** Wording for that folder in messages, e.g. "the folder of deployment.yml". */
  baseDescription: string;
  /** Files outside this folder are refused. */
  boundary?: string;
}

export type LocalKind = 'file' | 'folder' | 'any';

export type LocalResult = { path: string; isFile: boolean } | { problem: string; hint?: string };

export const isInside = isInsideFolder;

/** Checks `raw` names an existing file or folder of the expected kind inside the boundary. */
export function checkLocalPath(raw: string, ctx: PathContext, kind: LocalKind, what: string): LocalResult {
  const path = resolve(ctx.baseDir, raw);
  let st;
  try {
    st = statSync(path);
  } catch {
    return { problem: `the ${what} '${raw}' does not exist (looked for ${path}, relative to ${ctx.baseDescription})` };
  }
  if (ctx.boundary !== undefined) {
    const root = realpathSync(ctx.boundary);
    const real = realpathSync(path);
    if (!isInside(root, real)) {
      return { problem: `the ${what} '${raw}' is outside the folder ${ctx.boundary} (it is ${real})`, hint: 'Only files inside that folder are read.' };
    }
  }
  const isFile = st.isFile();
  const ok = kind === 'file' ? isFile : kind === 'folder' ? st.isDirectory() : isFile || st.isDirectory();
  if (!ok) {
    const want = kind === 'file' ? 'a regular file' : kind === 'folder' ? 'a folder' : 'a regular file or a folder';
    return { problem: `the ${what} '${raw}' is ${isFile ? 'a file' : describeFileType(st)}, not ${want}` };
  }
  return { path, isFile };
}
