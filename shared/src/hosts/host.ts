import type { SourceLocation } from '../core/errors';
import type { Logger } from '../core/logger';
import type { InputDefinition } from '../steps/definition';

export type HostKind = 'github' | 'azure-devops' | 'cli';

/** An Azure DevOps AzureRM service connection, as the agent exposes it to a task. */
export interface AdoServiceConnection {
  id: string;
  /** WorkloadIdentityFederation | ServicePrincipal | ManagedServiceIdentity */
  scheme: string;
  tenantId?: string;
  servicePrincipalId?: string;
  /** ServicePrincipal with a secret */
  servicePrincipalKey?: string;
  /** ServicePrincipal with a certificate (PEM with the private key) */
  servicePrincipalCertificate?: string;
  /** spnKey | spnCertificate (ServicePrincipal scheme) */
  authenticationType?: string;
  subscriptionId?: string;
  /** AzureCloud | AzureUSGovernment | AzureChinaCloud | AzureStack */
  environment?: string;
  /** ARM URL of the connection's environment (ENDPOINT_URL_<id>) */
  resourceManagerUrl?: string;
  /** Entra authority of the connection's environment */
  authorityHost?: string;
  /** ARM audience of the connection's environment */
  resourceManagerAudience?: string;
  /** The job's access token (System.AccessToken), needed to request an OIDC token */
  systemAccessToken?: string;
  /** SYSTEM_OIDCREQUESTURI */
  oidcRequestUri?: string;
}

/** What the CI system offers for authentication. */
export interface HostAuthContext {
  /** GitHub Actions OIDC: fetch a fresh ID token for an audience (present when id-token: write is granted). */
  getIdToken?: (audience: string) => Promise<string>;
  /** Azure DevOps: the service connection named by the task's azureSubscription input. */
  serviceConnection?: AdoServiceConnection;
}

/** Facts about the CI run, recorded as lineage and shown in summaries. */
export interface RunContext {
  system: HostKind;
  /** URL of the run (GitHub run URL or ADO build URL), when known. */
  runUrl?: string;
  commit?: string;
  repository?: string;
  ref?: string;
  actor?: string;
  /** Azure DevOps: the collection URL and the team project of the run (where work items go). */
  project?: { collectionUri: string; name: string };
}

export interface Host extends Logger {
  readonly kind: HostKind;
  /** Raw value of an input, or undefined when not given (empty string counts as not given). */
  getInput(input: InputDefinition): string | undefined;
  setOutput(name: string, value: string): void;
  /** Register a value to be masked in every later line this host prints. */
  setSecret(value: string): void;
  /** Append Markdown to the run's summary. */
  summary(markdown: string): Promise<void>;
  /** Mark the step failed with a message, annotated at a file position when known (the error boundary calls this once). */
  setFailed(message: string, location?: SourceLocation): void;
  readonly auth: HostAuthContext;
  readonly run: RunContext;
  /** Aborted on SIGINT/SIGTERM (job cancellation). */
  readonly signal: AbortSignal;
}
