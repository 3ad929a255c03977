/**
 * The Blob service's vocabulary, for the blob front: which operation a request is (from its method, query and
 * headers, as the service dispatches it), and Azure Storage's XML error answer for an injected fault.
 */
import { randomUUID } from 'node:crypto';
import type { Fault } from './faults';
import { isObject } from './http';

type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * The Blob service operation of a request on a path-style URL (`/<account>/<container>/<blob>`), e.g. PutBlob,
 * PutBlock, PutBlockList, ListBlobs, CopyBlob, GetBlob; `Unknown<METHOD>` for what the front does not name.
 */
export function blobOperation(method: string, path: string, query: URLSearchParams, headers: Headers): string {
  const m = method.toUpperCase();
  const comp = (query.get('comp') ?? '').toLowerCase();
  const restype = (query.get('restype') ?? '').toLowerCase();
  const segments = path.split('/').filter(Boolean).length;
  const copySource = header(headers, 'x-ms-copy-source') !== undefined;
  if (segments <= 1) {
    if (comp === 'list') return 'ListContainers';
    if (restype === 'service' && comp === 'properties') return m === 'PUT' ? 'SetBlobServiceProperties' : 'GetBlobServiceProperties';
    if (restype === 'account' && comp === 'properties') return 'GetAccountInfo';
    if (comp === 'userdelegationkey') return 'GetUserDelegationKey';
    if (comp === 'batch') return 'BlobBatch';
  }
  if (restype === 'container') {
    if (comp === 'list') return 'ListBlobs';
    if (comp === 'acl') return m === 'PUT' ? 'SetContainerACL' : 'GetContainerACL';
    if (comp === 'metadata') return m === 'PUT' ? 'SetContainerMetadata' : 'GetContainerMetadata';
    if (comp === 'lease') return 'LeaseContainer';
    if (m === 'PUT') return 'CreateContainer';
    if (m === 'DELETE') return 'DeleteContainer';
    if (m === 'GET' || m === 'HEAD') return 'GetContainerProperties';
  }
  switch (`${m} ${comp}`) {
    case 'PUT block':
      return copySource ? 'PutBlockFromURL' : 'PutBlock';
    case 'PUT blocklist':
      return 'PutBlockList';
    case 'GET blocklist':
      return 'GetBlockList';
    case 'PUT metadata':
      return 'SetBlobMetadata';
    case 'GET metadata':
    case 'HEAD metadata':
      return 'GetBlobMetadata';
    case 'PUT properties':
      return 'SetBlobProperties';
    case 'PUT tags':
      return 'SetBlobTags';
    case 'GET tags':
      return 'GetBlobTags';
    case 'PUT lease':
      return 'LeaseBlob';
    case 'PUT snapshot':
      return 'SnapshotBlob';
    case 'PUT copy':
      return 'AbortCopyBlob';
    case 'PUT tier':
      return 'SetBlobTier';
    case 'PUT ':
      if (!copySource) return 'PutBlob';
      if ((header(headers, 'x-ms-requires-sync') ?? '').toLowerCase() === 'true') return 'CopyBlobFromURL';
      return header(headers, 'x-ms-blob-type') ? 'PutBlobFromURL' : 'CopyBlob';
    case 'GET ':
      return 'GetBlob';
    case 'HEAD ':
      return 'GetBlobProperties';
    case 'DELETE ':
      return 'DeleteBlob';
  }
  return `Unknown${m}`;
}

/** Error codes and messages Azure Storage answers with, by status. */
const STORAGE_REASONS: Record<number, [string, string]> = {
  400: ['InvalidInput', 'One of the request inputs is not valid.'],
  403: ['AuthorizationFailure', 'This request is not authorized to perform this operation.'],
  404: ['ResourceNotFound', 'The specified resource does not exist.'],
  409: ['OperationNotAllowedInCurrentState', 'The operation is not allowed in the current state.'],
  412: ['ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.'],
  429: ['ServerBusy', 'Egress is over the account limit.'],
  500: ['InternalError', 'The server encountered an internal error. Please retry the request.'],
  503: ['ServerBusy', 'The server is currently unable to receive requests. Please retry your request.'],
  504: ['OperationTimedOut', 'The operation could not be completed within the permitted time.'],
};

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export interface XmlReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A fault's answer on the blob front: `<Error><Code/><Message/></Error>` with `x-ms-error-code`, as the service
 * sends it. A fault `body` of `{ code, message }` chooses both; a string body is sent as it is.
 */
export function blobFaultReply(f: Fault, now = new Date()): XmlReply {
  const status = f.status ?? 500;
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    'x-ms-emulator-fault': f.id,
    'x-ms-request-id': requestId,
    'x-ms-version': '2021-12-02',
    'Content-Type': 'application/xml',
  };
  if (f.retryAfter !== undefined) headers['Retry-After'] = String(f.retryAfter);
  let [code, message] = STORAGE_REASONS[status] ?? [`Http${status}`, `Injected fault (${status}).`];
  if (typeof f.body === 'string') {
    headers['x-ms-error-code'] = code;
    return { status, headers, body: Buffer.from(f.body) };
  }
  if (isObject(f.body)) {
    if (typeof f.body.code === 'string') code = f.body.code;
    if (typeof f.body.message === 'string') message = f.body.message;
  }
  headers['x-ms-error-code'] = code;
  const xml =
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}\nRequestId:${requestId}\nTime:${now.toISOString()}</Message></Error>`;
  return { status, headers, body: Buffer.from(xml) };
}
