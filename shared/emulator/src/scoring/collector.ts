/**
 * Model data collection of a deployment (its `dataCollector`): the scoring script uses the Azure ML data
 * collector package as it does on the service (`from azureml.ai.monitoring import Collector`;
 * `Collector(name="model_inputs").collect(df)`, then `Collector(name="model_outputs").collect(out, context)`), and
 * what it collects lands in the workspace's blob store where the service puts it:
 * `<collection path>/YYYY/MM/DD/HH/<id>.jsonl`, one JSON record per collect() call
 * (`{specversion, id, source, type: "azureml.inference.<collection>", datacontenttype, time, data: [rows],
 * correlationid}`), the collection path being the collection data asset's folder
 * (default `modelDataCollector/<endpoint>/<deployment>/<collection>`).
 *
 * The stand-in package is written into the state directory and put first on the harness's PYTHONPATH; it writes
 * each record to a spool folder (write, then rename), and `CollectionFlusher` uploads finished spool files to
 * Azurite and removes them. A collection the deployment does not enable collects nothing (as on the service).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { putBlob } from '../blob-admin';
import { storageEndpoint } from '../arm/datastores';
import { deploymentDir, scoringRoot, type BlobSource, type DeploymentSpec } from './records';

export const COLLECTOR_PACKAGE_DIR = 'pylib';

const COLLECTOR_PY = String.raw`# Written by the aml-lifecycle emulator: the Azure ML model data collector, spooling records for the emulator.
import datetime
import json
import math
import os
import uuid

_SPOOL = os.environ.get("AMLEMU_COLLECT_DIR", "")
_ENABLED = set(filter(None, os.environ.get("AMLEMU_COLLECTIONS", "").split(",")))
_SOURCE = os.environ.get("AMLEMU_DEPLOYMENT_ID", "")


class BasicCorrelationContext:
    def __init__(self, id=None, timestamp=None, headers=None):
        self.id = id or str(uuid.uuid4())
        self.timestamp = timestamp or datetime.datetime.utcnow()
        self.headers = headers or {}

    def get_id(self):
        return self.id


def _clean(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


def _rows(data):
    if hasattr(data, "to_dict"):
        return [{k: _clean(x) for k, x in r.items()} for r in data.to_dict(orient="records")]
    if isinstance(data, dict):
        keys = list(data.keys())
        cols = [data[k] if isinstance(data[k], (list, tuple)) else [data[k]] for k in keys]
        return [{k: _clean(c[i]) for k, c in zip(keys, cols)} for i in range(len(cols[0]) if cols else 0)]
    if isinstance(data, (list, tuple)):
        return [{k: _clean(x) for k, x in r.items()} if isinstance(r, dict) else {"value": _clean(r)} for r in data]
    raise TypeError("Collector.collect() takes a pandas DataFrame, a dict of columns or a list of rows")


class Collector:
    def __init__(self, *, name, on_error=None, **kwargs):
        self.name = name
        self.on_error = on_error

    def collect(self, data, correlation_context=None):
        context = correlation_context or BasicCorrelationContext()
        if not _SPOOL or self.name not in _ENABLED:
            return context
        try:
            now = datetime.datetime.utcnow()
            record = {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "source": _SOURCE,
                "type": "azureml.inference." + self.name,
                "datacontenttype": "application/json",
                "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "data": _rows(data),
                "correlationid": context.id,
                "agent": "aml-lifecycle-emulator",
            }
            folder = os.path.join(_SPOOL, self.name, now.strftime("%Y/%m/%d/%H"))
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, record["id"] + ".jsonl")
            with open(path + ".part", "w", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            os.replace(path + ".part", path)
        except Exception as e:
            if self.on_error:
                self.on_error(e)
            else:
                raise
        return context
`;

/** Writes the stand-in package under `root` and returns the folder to put on PYTHONPATH. */
export function writeCollectorPackage(root: string): string {
  const lib = join(root, COLLECTOR_PACKAGE_DIR);
  const pkg = join(lib, 'azureml', 'ai', 'monitoring');
  mkdirSync(pkg, { recursive: true });
  for (const p of [join(lib, 'azureml'), join(lib, 'azureml', 'ai')]) writeFileSync(join(p, '__init__.py'), '');
  writeFileSync(join(pkg, '__init__.py'), COLLECTOR_PY);
  return lib;
}

/** The harness environment of data collection: the stand-in package first on PYTHONPATH, the spool, the collections. */
export function collectionEnv(stateDir: string, spec: DeploymentSpec): Record<string, string> {
  if (!spec.collections) return {};
  const lib = writeCollectorPackage(scoringRoot(stateDir));
  return {
    PYTHONPATH: [lib, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
    AMLEMU_COLLECT_DIR: join(deploymentDir(stateDir, spec.id), 'collected'),
    AMLEMU_COLLECTIONS: Object.keys(spec.collections).join(','),
    AMLEMU_DEPLOYMENT_ID: spec.id,
  };
}

function spoolFiles(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) spoolFiles(p, out);
    else if (st?.isFile() && n.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

/** Uploads a deployment's spooled records to their collections' blob folders. */
export class CollectionFlusher {
  private running?: Promise<void>;

  constructor(
    private readonly spool: string,
    private readonly collections: Record<string, BlobSource>,
    private readonly deps: { store: JsonStore<ArmState>; ca: string },
    private readonly log: (line: string) => void,
  ) {}

  /** One pass; concurrent calls share it. */
  flush(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const files = spoolFiles(this.spool);
    if (!files.length) return;
    const state = this.deps.store.read();
    if (!state.azurite) return;
    const ep = { hostPort: storageEndpoint(state), ca: this.deps.ca };
    for (const file of files) {
      const rel = relative(this.spool, file).split(sep);
      const target = this.collections[rel[0]!];
      const account = target && state.storageAccounts[target.account];
      if (!target || !account) {
        rmSync(file, { force: true });
        continue;
      }
      const name = [target.path.replace(/^\/+|\/+$/g, ''), ...rel.slice(1)].filter(Boolean).join('/');
      try {
        await putBlob(ep, account, target.container, name, { data: readFileSync(file), contentType: 'application/json', metadata: {} });
        rmSync(file, { force: true });
      } catch (e) {
        this.log(`data collection: could not upload ${name}: ${(e as Error).message}`);
        return;
      }
    }
  }
}
