/** What the online-endpoint machinery needs of a signed-in workspace connection (the steps' connection has more). */
import type { TokenCredential } from '@azure/core-auth';
import type { CloudEndpoints } from '../auth/clouds';
import type { AzureMlClient } from '../azureml/client';
import type { WorkspaceScope } from '../specs/datastore-uri';

export interface OnlineConnection {
  client: AzureMlClient;
  scope: WorkspaceScope;
  cloud: CloudEndpoints;
  /** The signed-in credential, for data-plane tokens (https://ml.azure.com). */
  credential: TokenCredential;
  dryRun: boolean;
}
