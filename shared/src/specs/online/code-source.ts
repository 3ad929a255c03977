/**
 * `code_configuration` (reference §1.6): `code` is a code asset reference or a local folder (uploaded as an
 * anonymous code asset); `scoring_script` is relative to the code root and must be a regular file inside it.
 */
import { isMap } from 'yaml';
import { parseAssetRef, type AssetRef } from './asset-refs';
import { checkLocalPath } from './local-paths';
import type { SourceOptions } from './model-source';
import type { SpecReader } from './reader';
import type { MapEntry } from '../yaml-source';

export type CodeSource = { kind: 'ref'; ref: AssetRef } | { kind: 'local'; path: string };

export interface CodeConfiguration {
  code?: CodeSource;
  scoringScript?: string;
}

export function readCodeConfiguration(r: SpecReader, e: MapEntry | undefined, opts: SourceOptions): CodeConfiguration | undefined {
  const f = r.map(e?.value, 'code_configuration', ['code', 'scoring_script']);
  if (!f) return undefined;
  const out: CodeConfiguration = {};
  const script = r.str(f.scoring_script, 'scoring_script');
  if (script !== undefined) out.scoringScript = script;
  const c = f.code;
  if (c && isMap(c.value)) {
    const keys = r.yaml.entries(c.value).map((x) => x.key);
    r.fail(c.value, `'code_configuration.code' is a mapping (${keys.join(', ')}): that is the preview syntax, az ml now takes the folder or reference itself`, keys.includes('local_path') ? 'Write code: <folder> instead of code: {local_path: <folder>}.' : undefined);
    return out;
  }
  const code = r.str(c, 'code');
  if (code === undefined) {
    if (script !== undefined && r.isNull(c?.value) && c !== undefined) r.fail(c.value ?? c.keyNode, "'code_configuration.code' is empty");
    return out;
  }
  if (!r.present(f.scoring_script) || script?.trim() === '') {
    r.fail(f.scoring_script?.value ?? e!.value, "scoring script can't be empty: 'code_configuration.code' needs 'scoring_script'");
  }
  const parsed = parseAssetRef(code, 'codes', { kubernetes: opts.kubernetes });
  if ('ref' in parsed) out.code = { kind: 'ref', ref: parsed.ref };
  else if ('problem' in parsed) r.fail(c!.value, parsed.problem, parsed.hint);
  else {
    const ctx = r.explicitInput(c!) ? opts.cwd : opts.file;
    const folder = checkLocalPath(code, ctx, 'folder', 'code folder');
    if ('problem' in folder) r.fail(c!.value, folder.problem, folder.hint);
    else {
      out.code = { kind: 'local', path: folder.path };
      if (script !== undefined && script.trim() !== '') {
        const where = { baseDir: folder.path, baseDescription: `the code folder ${code}`, boundary: folder.path };
        const file = checkLocalPath(script, where, 'file', 'scoring script');
        if ('problem' in file) r.fail(f.scoring_script!.value, file.problem, file.hint);
      }
    }
  }
  return out;
}
