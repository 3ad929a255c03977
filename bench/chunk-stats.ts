/**
 * What each file of a host's bundle holds, by source module: the host's entry bundled once more with the build's own
 * ncc options (unminified, so sizes are source sizes), read from webpack's stats. Chunk ids are webpack's
 * deterministic ones (from module names, not content), so `<id>.index.js` names the same chunk as in the real build.
 * `npx tsx bench/chunk-stats.ts github` prints every chunk; bench/trace.ts uses it for the chunks a run loads.
 */
import { join } from 'node:path';
import { BUNDLE_MAIN, bundles, ncc, nccOptions } from '../shared/build/bundle';
import type { HostKind } from './hosts';

export interface ChunkContent {
  file: string;
  initial: boolean;
  bytes: number;
  /** Largest first. */
  modules: { name: string; bytes: number }[];
}

interface StatsModule {
  name?: string;
  size: number;
  modules?: StatsModule[];
}
interface StatsChunk {
  id: string | number;
  initial: boolean;
  size: number;
  modules: StatsModule[];
}
interface Stats {
  toJson(options: Record<string, unknown>): { chunks: StatsChunk[] };
}

const flatten = (ms: StatsModule[]): StatsModule[] => ms.flatMap((m) => (m.modules ? flatten(m.modules) : [m]));
/** `./node_modules/@azure/identity/dist/...` → `@azure/identity/dist/...`; concatenation suffixes dropped. */
const shortName = (name = '?'): string => name.replace(/^.*node_modules\//, '').replace(/ \+ \d+ modules$/, '');

export async function chunkModules(kind: HostKind): Promise<Map<string, ChunkContent>> {
  const b = bundles().find((x) => x.outDir.endsWith(`/${kind}`));
  if (!b) throw new Error(`no bundle for ${kind}`);
  const root = join(__dirname, '..');
  const { stats } = (await ncc(join(root, b.entry), nccOptions(b, false))) as unknown as { stats: Stats };
  const json = stats.toJson({
    all: false,
    chunks: true,
    chunkModules: true,
    nestedModules: true,
    chunkModulesSpace: Infinity,
    nestedModulesSpace: Infinity,
    dependentModules: true,
    groupModulesByType: false,
    groupModulesByPath: false,
    groupModulesByExtension: false,
    groupModulesByLayer: false,
    groupModulesByCacheStatus: false,
    groupModulesByAttributes: false,
    runtimeModules: false,
    ids: true,
  });
  const out = new Map<string, ChunkContent>();
  for (const c of json.chunks) {
    const file = c.initial ? (b.codeCache ? BUNDLE_MAIN : 'index.js') : `${c.id}.index.js`;
    const modules = flatten(c.modules)
      .filter((m) => m.size > 0)
      .map((m) => ({ name: shortName(m.name), bytes: m.size }))
      .sort((x, y) => y.bytes - x.bytes);
    out.set(file, { file, initial: c.initial, bytes: c.size, modules });
  }
  return out;
}

if (require.main === module) {
  const kind = (process.argv[2] ?? 'github') as HostKind;
  const limit = Number(process.argv[3] ?? 12);
  chunkModules(kind).then(
    (chunks) => {
      for (const c of [...chunks.values()].sort((x, y) => Number(y.initial) - Number(x.initial) || y.bytes - x.bytes)) {
        console.log(`${c.file.padEnd(14)} ${(c.bytes / 1024).toFixed(0).padStart(5)} kB src${c.initial ? ' (initial)' : ''}`);
        for (const m of c.modules.slice(0, limit)) console.log(`    ${(m.bytes / 1024).toFixed(1).padStart(7)} kB  ${m.name}`);
      }
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
