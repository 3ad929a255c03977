/**
 * Carries out the registry copy jobs (publish, import) recorded in the state. Every emulator process runs one; a
 * job is claimed under the state lock, so exactly one process copies it, and a job whose claimer died is taken
 * over. When a job ends, its operation is given its final outcome and an end time no earlier than now.
 */
import { createHash } from 'node:crypto';
import type { JsonStore } from './state/json-store';
import type { ArmState } from './state/model';
import { key } from './state/model';
import type { OperationError } from './lro/operation';
import type { BlobLocation, CopyJob } from './registry-copy-job';
import type { BlobEndpoint } from './blob-admin';
import { getBlob, listBlobNames, putBlob } from './blob-admin';
import { blobUrl } from './arm/blob-location';
import { storageEndpoint } from './arm/datastores';
import { claimable, StateJobWorker } from './state/job-worker';

interface FileRef {
  name: string;
  /** Path below the model's folder (the file name for a single-file model). */
  rel: string;
}

interface Outcome {
  error?: OperationError;
  /** The copy's final modelUri when it differs from the one set at the start (a single file of a job without `named`). */
  modelUri?: string;
}

export class RegistryCopier extends StateJobWorker {
  constructor(
    store: JsonStore<ArmState>,
    private readonly ca: string,
    log: (line: string) => void,
  ) {
    super(store, log, 'registry-copy');
  }

  /** Runs every claimable job; remembers the state version seen only when nothing was left to do. */
  protected async drain(mtime: number): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const job = await this.claim();
      if (!job) {
        const jobs = Object.keys(this.store.read().copyJobs ?? {}).length;
        if (jobs === 0) this.lastMtime = mtime;
        return;
      }
      const outcome = await this.copy(job).catch(
        (e: Error): Outcome => ({ error: { code: 'AssetCopyFailed', message: `Copying the model files into ${job.destDisplay} failed: ${e.message}` } }),
      );
      await this.finish(job, outcome);
    }
  }

  private claim(): Promise<CopyJob | undefined> {
    const now = Date.now();
    return this.store.update((s) => {
      const job = Object.values(s.copyJobs ?? {}).find((j) => claimable(j.claim, now));
      if (!job) return undefined;
      job.claim = this.claimNow(now);
      return { ...job };
    });
  }

  private async copy(job: CopyJob): Promise<Outcome> {
    const state = this.store.read();
    const op = state.operations[job.opId];
    // An injected provisioning failure already decided the outcome: nothing to copy.
    if (!op || op.outcome !== 'Succeeded') return {};
    if (!state.azurite) return { error: { code: 'StorageUnavailable', message: `The storage behind ${job.destDisplay} is not reachable (the emulator runs without blob storage).` } };
    // Through the blob front, as the service's own copy goes through storage: journaled, and failable by a blob fault.
    const ep: BlobEndpoint = { hostPort: storageEndpoint(state), ca: this.ca };
    const account = (loc: BlobLocation) => {
      const a = state.storageAccounts[loc.account];
      if (!a) throw new Error(`storage account '${loc.account}' does not exist`);
      return a;
    };
    const files = async (loc: BlobLocation): Promise<{ single: boolean; files: FileRef[] }> => {
      const names = await listBlobNames(ep, account(loc), loc.container, loc.path);
      if (loc.path && names.includes(loc.path)) return { single: true, files: [{ name: loc.path, rel: loc.path.slice(loc.path.lastIndexOf('/') + 1) }] };
      const prefix = loc.path ? `${loc.path}/` : '';
      return { single: false, files: names.filter((n) => n.startsWith(prefix)).map((n) => ({ name: n, rel: n.slice(prefix.length) })) };
    };
    const digest = async (loc: BlobLocation, name: string) => createHash('sha256').update((await getBlob(ep, account(loc), loc.container, name)).data).digest('hex');

    const src = await files(job.source);
    if (!src.files.length) {
      return { error: { code: 'AssetNotFound', message: `No files were found at the source model's path '${job.sourceUri}'; nothing was copied to ${job.destDisplay}.` } };
    }
    if (job.existing) {
      const conflict: Outcome = {
        error: {
          code: 'Conflict',
          message: `${job.destDisplay[0].toUpperCase()}${job.destDisplay.slice(1)} already exists with different content; registry asset versions are immutable. Publish to a new version instead.`,
        },
      };
      if (!job.compareWith) return conflict;
      const dst = await files(job.compareWith);
      const rels = (f: FileRef[]) => f.map((x) => x.rel).sort();
      if (JSON.stringify(rels(src.files)) !== JSON.stringify(rels(dst.files))) return conflict;
      const dstByRel = new Map(dst.files.map((f) => [f.rel, f.name]));
      for (const f of src.files) {
        if ((await digest(job.source, f.name)) !== (await digest(job.compareWith, dstByRel.get(f.rel)!))) return conflict;
      }
      return {};
    }
    const dest = job.destination;
    // A named destination is the folder (or the single file) itself; an older job's is the folder above it.
    const target = (f: FileRef) => (job.named && src.single ? dest.path : `${dest.path}/${f.rel}`);
    for (const f of src.files) {
      const content = await getBlob(ep, account(job.source), job.source.container, f.name);
      await putBlob(ep, account(dest), dest.container, target(f), content);
    }
    return src.single && !job.named ? { modelUri: blobUrl(state, { ...dest, path: target(src.files[0]) }) } : {};
  }

  private finish(job: CopyJob, outcome: Outcome): Promise<void> {
    return this.store.update((s) => {
      const current = s.copyJobs?.[job.opId];
      if (current?.claim?.nonce !== this.nonce) return;
      delete s.copyJobs![job.opId];
      const op = s.operations[job.opId];
      if (!op) return;
      op.durationMs = Math.max(job.durationMs, Date.now() - op.start);
      if (outcome.error && op.outcome === 'Succeeded') {
        op.outcome = 'Failed';
        op.error = outcome.error;
      }
      const res = s.resources[key(job.destVersionId)];
      if (outcome.modelUri && res?.opId === op.id) {
        for (const body of [res.body, res.pending]) {
          if (body?.properties && typeof body.properties === 'object') (body.properties as Record<string, unknown>).modelUri = outcome.modelUri;
        }
      }
    });
  }
}
