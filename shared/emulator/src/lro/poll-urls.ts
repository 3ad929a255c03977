/**
 * Polling URLs for operations. MFE URLs carry a signature (`sig`) over the path, as the live service's carry
 * signed parameters, so a client that rebuilds the URL instead of following it is caught.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Operation } from './operation';

const PROVIDER = 'Microsoft.MachineLearningServices';
export type MfePollKind = 'mfeOperationsStatus' | 'mfeOperationResults';

export function operationToken(op: Operation): string {
  return `${op.prefix}:${op.workspaceId}:${op.id}`;
}

export function mfePollPath(op: Operation, kind: MfePollKind): string {
  return `/subscriptions/${op.subscriptionId}/providers/${PROVIDER}/locations/${op.location}/${kind}/${operationToken(op)}`;
}

export function sign(signingKey: string, path: string): string {
  return createHmac('sha256', Buffer.from(signingKey, 'base64')).update(path.toLowerCase()).digest('base64url');
}

export function verifySignature(signingKey: string, path: string, sig: string | null): boolean {
  if (!sig) return false;
  const want = Buffer.from(sign(signingKey, path));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function mfePollUrl(baseUrl: string, op: Operation, kind: MfePollKind, apiVersion: string, signingKey: string): string {
  const path = mfePollPath(op, kind);
  return `${baseUrl}${path}?api-version=${encodeURIComponent(apiVersion)}&sig=${sign(signingKey, path)}`;
}

export function assetStorePollUrl(baseUrl: string, op: Operation): string {
  return `${baseUrl}/assetstore/v1.0/operations/${op.id}`;
}

/** Headers of a 201 (PUT) answered by an MFE long-running operation. */
export function mfeCreateHeaders(baseUrl: string, op: Operation, apiVersion: string, signingKey: string): Record<string, string> {
  return {
    'Azure-AsyncOperation': mfePollUrl(baseUrl, op, 'mfeOperationsStatus', apiVersion, signingKey),
    Location: `${baseUrl}${op.resourceId}?api-version=${encodeURIComponent(apiVersion)}`,
    'x-ms-async-operation-timeout': 'PT30M',
  };
}

/** Headers of a 202 (DELETE, PATCH, actions): status URL plus a Location on the results path. */
export function mfeAcceptedHeaders(baseUrl: string, op: Operation, apiVersion: string, signingKey: string): Record<string, string> {
  return {
    'Azure-AsyncOperation': mfePollUrl(baseUrl, op, 'mfeOperationsStatus', apiVersion, signingKey),
    Location: mfePollUrl(baseUrl, op, 'mfeOperationResults', apiVersion, signingKey),
    'x-ms-async-operation-timeout': 'PT30M',
  };
}

export function assetStoreAcceptedHeaders(baseUrl: string, op: Operation): Record<string, string> {
  return { Location: assetStorePollUrl(baseUrl, op), 'x-ms-async-operation-timeout': 'PT1H' };
}
