/** Service SAS tokens for the emulated storage accounts, signed with the account key as Azure Storage signs them. */
import { ContainerSASPermissions, SASProtocol, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';
import type { StorageAccount } from './state/model';

/** Start a little in the past: the service tolerates clock skew this way too. */
const SKEW_MS = 5 * 60 * 1000;

/** A container-scoped SAS query string (no leading '?'); `permissions` in ContainerSASPermissions letters, e.g. `racwl`. */
export function containerSas(account: Pick<StorageAccount, 'name' | 'key'>, container: string, permissions: string, lifetimeMs: number, now = Date.now()): string {
  return generateBlobSASQueryParameters(
    {
      containerName: container,
      permissions: ContainerSASPermissions.parse(permissions),
      startsOn: new Date(now - SKEW_MS),
      expiresOn: new Date(now + lifetimeMs),
      protocol: SASProtocol.Https,
    },
    new StorageSharedKeyCredential(account.name, account.key),
  ).toString();
}
