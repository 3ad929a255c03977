import type { RunContext } from '../../hosts/host';
import { code, facts, section } from '../../report/markdown';
import type { AliasMove } from '../../promote/aliases';
import type { UploadReport } from '../../assets/model-upload';

export interface RegisterOutcome {
  name: string;
  version: string;
  action: 'create' | 'update' | 'unchanged';
  changed?: string[];
  modelUri: string;
  modelType: string;
  id: string;
  workspace: string;
  location?: string;
  tags: Record<string, string>;
  dryRun: boolean;
  upload?: UploadReport;
  source: string;
  run: RunContext;
  alias?: AliasMove;
}

function resultText(o: RegisterOutcome): string {
  if (o.dryRun) return `dry run: would ${o.action === 'create' ? 'register' : o.action === 'update' ? `update ${o.changed?.join(', ')}` : 'change nothing'}`;
  if (o.action === 'create') return '✅ registered';
  if (o.action === 'update') return `✅ updated ${o.changed?.join(', ')}`;
  return '✅ already registered (nothing changed)';
}

function uploadText(u: UploadReport | undefined): string | undefined {
  if (!u) return undefined;
  if (u.skipped) return `skipped: the same content (${u.files} files, ${u.bytes} bytes) is already in the datastore`;
  return `${u.files} files, ${u.bytes} bytes`;
}

function aliasText(a: AliasMove): string {
  if (!a.changed) return `${a.alias} (already held by this version)`;
  const from = a.previous.filter((v) => v !== a.holder);
  return `${a.alias}${from.length ? ` (moved from version ${from.join(', ')})` : ' (assigned)'}`;
}

export function registerSummary(o: RegisterOutcome): string {
  const tags = Object.entries(o.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return section(
    `Model ${o.name}:${o.version}`,
    facts([
      ['Result', resultText(o)],
      ['Reference', code(`azureml:${o.name}:${o.version}`)],
      ['Type', o.modelType],
      ['Source', code(o.source)],
      ['Model URI', code(o.modelUri)],
      ['Upload', uploadText(o.upload)],
      ['Tags', tags || undefined],
      ['Alias', o.alias ? aliasText(o.alias) : undefined],
      ['Workspace', `${o.workspace}${o.location ? ` (${o.location})` : ''}`],
      ['ARM ID', code(o.id)],
      ['Run', o.run.runUrl],
    ]),
  );
}
