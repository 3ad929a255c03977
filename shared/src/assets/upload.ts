/**
 * Content-addressed upload of hashed files to a blob container: `<prefix>/<relative path>`, each blob tagged with
 * the content hash. A rerun that finds every blob already there (right size, right hash) uploads nothing; blobs
 * left missing or different by an interrupted run are uploaded again.
 */
import { describeError } from '../core/describe-error';
import { describeNetworkFailure } from '../core/network-error';
import { AnonymousCredential, ContainerClient, RestError, StorageSharedKeyCredential } from '@azure/storage-blob';
import { StepError } from '../core/errors';
import { silentLogger, type Logger } from '../core/logger';
import type { ContentFile, ContentHash } from './content-hash';

/** Blob metadata key holding the sha256 of the whole upload (metadata names must be C# identifiers). */
export const CONTENT_HASH_METADATA = 'aml_content_sha256';

export interface UploadProgress {
  loadedBytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
}

export interface UploadToContainerOptions {
  /** Container URL (may already carry a SAS query); or give `containerClient`. */
  containerUrl?: string;
  containerClient?: ContainerClient;
  /** Account key credential, or a SAS token (with or without the leading '?'). */
  credential?: StorageSharedKeyCredential | string;
  /** Blob name prefix, e.g. from localUploadLayout(). */
  prefix: string;
  content: ContentHash;
  logger?: Logger;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  /** Files uploaded at once (default 4). */
  concurrency?: number;
}

export interface UploadResult {
  /** true when everything was already uploaded and nothing was sent */
  skipped: boolean;
  prefix: string;
  uploadedFiles: number;
  /** files found already uploaded (on a resumed upload) */
  reusedFiles: number;
  uploadedBytes: number;
}

/** Container URL with any SAS signature removed, for messages. */
function displayUrl(url: string): string {
  return url.split('?')[0]!;
}

function redact(text: string): string {
  return text.replace(/([?&]sig=)[^&\s"']+/gi, '$1REDACTED');
}

function withSas(url: string, sas: string): string {
  const token = sas.replace(/^\?/, '');
  if (token === '') return url;
  return url.includes('?') ? `${url}&${token}` : `${url}?${token}`;
}

function containerFrom(opts: UploadToContainerOptions): ContainerClient {
  if (opts.containerClient) return opts.containerClient;
  if (!opts.containerUrl) throw new Error('uploadToContainer needs containerUrl or containerClient');
  if (typeof opts.credential === 'string') return new ContainerClient(withSas(opts.containerUrl, opts.credential));
  return new ContainerClient(opts.containerUrl, opts.credential ?? new AnonymousCredential());
}

function normalisePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

function classify(e: unknown, what: string, signal?: AbortSignal): StepError {
  if (e instanceof StepError) return e;
  if (signal?.aborted || (e as { name?: string })?.name === 'AbortError') {
    return new StepError('cancelled', `${what}: cancelled`, { cause: e });
  }
  const status = e instanceof RestError ? e.statusCode : undefined;
  const code = e instanceof RestError ? e.code : undefined;
  const net = status === undefined ? describeNetworkFailure(e) : undefined;
  const message = redact(net ? net.text : describeError(e).split('\n')[0]!);
  const full = `${what}: ${message}`;
  if (net && (net.kind === 'dns' || net.kind === 'refused' || net.kind === 'tls')) return new StepError('network', full, { code: net.code, cause: e });
  if (status === 401 || status === 403) {
    return new StepError('auth', full, {
      status,
      code,
      cause: e,
      hint: 'The identity needs write access to the storage container (e.g. Storage Blob Data Contributor), or the SAS has expired.',
    });
  }
  if (status === 404) return new StepError('not-found', full, { status, code, cause: e });
  if (status === undefined || status === 408 || status === 429 || status >= 500) return new StepError('transient', full, { status, code, cause: e });
  return new StepError('service', full, { status, code, cause: e });
}

async function existingBlobs(container: ContainerClient, prefix: string, signal?: AbortSignal): Promise<Map<string, { size?: number; hash?: string }>> {
  const found = new Map<string, { size?: number; hash?: string }>();
  const iter = container.listBlobsFlat({ prefix: `${prefix}/`, includeMetadata: true, abortSignal: signal });
  for await (const b of iter) {
    const meta = b.metadata ?? {};
    const key = Object.keys(meta).find((k) => k.toLowerCase() === CONTENT_HASH_METADATA);
    found.set(b.name, { size: b.properties.contentLength, hash: key ? meta[key] : undefined });
  }
  return found;
}

export async function uploadToContainer(opts: UploadToContainerOptions): Promise<UploadResult> {
  const logger = opts.logger ?? silentLogger;
  const { content, signal } = opts;
  const prefix = normalisePrefix(opts.prefix);
  const container = containerFrom(opts);
  const where = `${displayUrl(container.url)}/${prefix}`;
  const blobName = (f: ContentFile) => `${prefix}/${f.relativePath}`;

  let existing: Map<string, { size?: number; hash?: string }>;
  try {
    existing = await existingBlobs(container, prefix, signal);
  } catch (e) {
    throw classify(e, `Listing ${where}`, signal);
  }
  const todo = content.files.filter((f) => {
    const b = existing.get(blobName(f));
    return !(b && b.size === f.size && b.hash === content.hash);
  });
  const reusedFiles = content.files.length - todo.length;
  if (todo.length === 0) {
    logger.info(`Already uploaded: ${content.files.length} file(s) at ${where} match content hash ${content.hash}`);
    return { skipped: true, prefix, uploadedFiles: 0, reusedFiles, uploadedBytes: 0 };
  }

  const totalBytes = todo.reduce((n, f) => n + f.size, 0);
  logger.info(
    `Uploading ${todo.length} file(s), ${totalBytes} bytes, to ${where}` + (reusedFiles > 0 ? ` (${reusedFiles} already there from an earlier run)` : ''),
  );
  const perFile = new Map<string, number>();
  let filesDone = 0;
  let lastReport = 0;
  const report = (force = false) => {
    const loadedBytes = [...perFile.values()].reduce((a, b) => a + b, 0);
    const p = { loadedBytes, totalBytes, filesDone, filesTotal: todo.length };
    opts.onProgress?.(p);
    const now = Date.now();
    if (force || now - lastReport >= 2000) {
      lastReport = now;
      logger.progress(`Uploaded ${loadedBytes}/${totalBytes} bytes (${filesDone}/${todo.length} files)`);
    }
  };

  let next = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < todo.length) {
      const f = todo[next++]!;
      signal?.throwIfAborted();
      try {
        await container.getBlockBlobClient(blobName(f)).uploadFile(f.absolutePath, {
          metadata: { [CONTENT_HASH_METADATA]: content.hash },
          abortSignal: signal,
          concurrency: 2,
          onProgress: (ev) => {
            perFile.set(f.relativePath, ev.loadedBytes);
            report();
          },
        });
      } catch (e) {
        stop = true; // the other workers finish their current file and take no more
        throw classify(e, `Uploading ${f.relativePath} to ${where}`, signal);
      }
      perFile.set(f.relativePath, f.size);
      filesDone++;
      logger.debug(`Uploaded ${f.relativePath} (${f.size} bytes)`);
      report();
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, todo.length)) }, () => worker());
  const results = await Promise.allSettled(workers);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw classify(failed.reason, `Uploading to ${where}`, signal);
  report(true);
  return { skipped: false, prefix, uploadedFiles: todo.length, reusedFiles, uploadedBytes: totalBytes };
}
