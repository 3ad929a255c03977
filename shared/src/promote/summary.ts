/** Job-summary Markdown for a promotion and for a registration into a registry, lineage included. */
import { code, facts, section, table } from '../report/markdown';
import type { AliasMove } from './aliases';
import { LINEAGE_PREFIX } from './lineage';
import type { PromoteOutcome } from './promote';
import type { RegistryRegistrationOutcome } from './register-into-registry';

function aliasText(a: AliasMove | undefined): string | undefined {
  if (!a) return undefined;
  if (!a.changed) return `${code(a.alias)} already on this version`;
  const from = a.previous.filter((v) => v !== a.holder);
  return `${code(a.alias)} moved here${from.length ? ` from ${from.map((v) => `version ${v}`).join(', ')}` : ''}`;
}

function lineageTable(lineage: Record<string, string>): string | undefined {
  const rows = Object.entries(lineage).map(([k, v]) => [code(k.slice(LINEAGE_PREFIX.length)), /^https?:\/\//.test(v) ? v : code(v)]);
  return rows.length ? `**Lineage** (tags \`${LINEAGE_PREFIX}*\` on the registry version)\n\n${table(['', ''], rows)}` : undefined;
}

export function promoteSummary(o: PromoteOutcome): string {
  const p = o.plan;
  const result = {
    promoted: o.resumed
      ? '✅ promoted (the copy made by an earlier run was verified and its lineage recorded)'
      : `✅ promoted (${o.mechanism === 'import' ? `registry import; publish unavailable: ${o.fallbackReason}` : 'publish'})`,
    'already-promoted': '✅ already promoted from this source (nothing copied)',
    'dry-run': { promote: 'dry run: would copy', resume: 'dry run: would record the lineage of an earlier copy', 'already-promoted': 'dry run: already promoted, nothing to do' }[p.action],
  }[o.result];
  return section(
    `Promoted ${p.name}:${p.version} to registry ${p.registry.name}`,
    facts([
      ['Result', result],
      ['Asset id', code(p.assetId)],
      ['Source', `${code(`azureml:${p.source}`)} in workspace ${p.workspace.name}`],
      ['Registry', `${p.registry.name} (resource group ${p.resourceGroup}, subscription ${p.subscriptionId}${p.registry.location ? `, ${p.registry.location}` : ''})`],
      ['Model URI', o.destination?.properties?.modelUri ? code(o.destination.properties.modelUri) : undefined],
      ['Alias', aliasText(o.alias)],
    ]),
    lineageTable(o.lineage),
  );
}

export function registryRegistrationSummary(o: RegistryRegistrationOutcome): string {
  const p = o.plan;
  const result = { registered: '✅ registered', unchanged: '✅ already registered with this content (nothing uploaded)', 'dry-run': p.action === 'create' ? 'dry run: would upload and register' : 'dry run: already registered' }[o.result];
  const upload = o.upload
    ? o.upload.skipped
      ? `skipped: the same ${p.content.files.length} files were already uploaded`
      : `${o.upload.uploadedFiles} files, ${o.upload.uploadedBytes} bytes`
    : undefined;
  return section(
    `Model ${p.name}:${p.version} in registry ${p.registry.name}`,
    facts([
      ['Result', result],
      ['Asset id', code(p.assetId)],
      ['Content', `${p.content.files.length} files, ${p.content.totalBytes} bytes, sha256 ${code(p.content.hash)}`],
      ['Upload', upload],
      ['Model URI', o.modelUri ? code(o.modelUri) : undefined],
      ['Alias', aliasText(o.alias)],
    ]),
    lineageTable(o.lineage),
  );
}
