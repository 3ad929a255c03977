import { printable } from '../core/escape';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import type { SourceLocation } from '../core/errors';
import type { InputDefinition, StepDefinition } from '../steps/definition';
import { runStep } from '../steps/runner';
import { agentProxyEnv } from './ado-agent-proxy';
import { BaseHost } from './base';
import type { AdoServiceConnection, HostAuthContext, RunContext } from './host';
import { taskInputName } from './inputs';

/** The task input that names the AzureRM service connection. */
export const SERVICE_CONNECTION_INPUT = 'azureSubscription';

/** Authorization parameters of an endpoint, read whole (task-lib prints each value it returns one by one). */
function authParameters(id: string): { scheme?: string; get(key: string): string | undefined } {
  const auth = tl.getEndpointAuthorization(id, true);
  const params = Object.entries(auth?.parameters ?? {});
  return {
    scheme: auth?.scheme,
    get: (key) => params.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] || undefined,
  };
}

function readServiceConnection(id: string, register: (secret: string) => void): AdoServiceConnection {
  const auth = authParameters(id);
  const vss = authParameters('SystemVssConnection');
  for (const secret of [auth.get('serviceprincipalkey'), auth.get('servicePrincipalCertificate'), vss.get('AccessToken'), process.env.SYSTEM_ACCESSTOKEN]) {
    if (secret) register(secret);
  }
  const data = (key: string) => tl.getEndpointDataParameter(id, key, true) || undefined;
  return {
    id,
    scheme: auth.scheme ?? tl.getEndpointAuthorizationScheme(id, true) ?? '',
    tenantId: auth.get('tenantid'),
    servicePrincipalId: auth.get('serviceprincipalid'),
    servicePrincipalKey: auth.get('serviceprincipalkey'),
    servicePrincipalCertificate: auth.get('servicePrincipalCertificate'),
    authenticationType: auth.get('authenticationType'),
    subscriptionId: data('subscriptionId'),
    environment: data('environment'),
    resourceManagerUrl: tl.getEndpointUrl(id, true) || undefined,
    authorityHost: data('environmentAuthorityUrl'),
    resourceManagerAudience: data('activeDirectoryServiceEndpointResourceId'),
    systemAccessToken: vss.get('AccessToken') || process.env.SYSTEM_ACCESSTOKEN || undefined,
    oidcRequestUri: process.env.SYSTEM_OIDCREQUESTURI || undefined,
  };
}

/** Azure DevOps: task-lib inputs, ##vso output variables, uploaded Markdown summary, AzureRM service connection. */
export class AzureDevOpsHost extends BaseHost {
  readonly kind = 'azure-devops' as const;
  readonly auth: HostAuthContext;
  readonly run: RunContext;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    super();
    this.useAgentProxy(env);
    const connectionId = tl.getInput(SERVICE_CONNECTION_INPUT, false);
    const connection = connectionId ? readServiceConnection(connectionId, (v) => this.setSecret(v)) : undefined;
    this.auth = connection ? { serviceConnection: connection } : {};
    const collection = env.SYSTEM_COLLECTIONURI;
    const project = env.SYSTEM_TEAMPROJECT;
    this.run = {
      system: 'azure-devops',
      repository: env.BUILD_REPOSITORY_NAME,
      commit: env.BUILD_SOURCEVERSION,
      ref: env.BUILD_SOURCEBRANCH,
      actor: env.BUILD_REQUESTEDFOR,
      runUrl:
        collection && project && env.BUILD_BUILDID
          ? `${collection.replace(/\/?$/, '/')}${encodeURIComponent(project)}/_build/results?buildId=${env.BUILD_BUILDID}`
          : undefined,
      ...(collection && project ? { project: { collectionUri: collection, name: project } } : {}),
    };
  }

  /** The agent's proxy setting as HTTPS_PROXY / NO_PROXY, which every HTTP stack of a step honours (ado-agent-proxy.ts). */
  private useAgentProxy(env: NodeJS.ProcessEnv): void {
    const url = tl.getVariable('Agent.ProxyUrl');
    if (!url) return;
    const r = agentProxyEnv(
      { url, username: tl.getVariable('Agent.ProxyUsername'), password: tl.getVariable('Agent.ProxyPassword'), bypassList: tl.getVariable('Agent.ProxyBypassList') },
      env,
    );
    for (const secret of r.secrets) this.setSecret(secret);
    if (r.skipped) this.debug(`The agent's proxy setting is not used: ${r.skipped}.`);
    Object.assign(env, r.set);
    for (const p of r.unconverted) {
      this.warning(`The agent's proxy bypass entry '${p}' does not name a host, so requests it matches still go through the proxy; set NO_PROXY on the task to reach them directly.`);
    }
  }

  protected readInput(input: InputDefinition): string | undefined {
    if (input.type === 'service-connection') return tl.getInput(SERVICE_CONNECTION_INPUT, false);
    return tl.getInput(taskInputName(input.name), false);
  }

  protected registerSecret(value: string): void {
    tl.setSecret(value);
  }

  info(message: string): void {
    console.log(this.line(message));
  }
  debug(message: string): void {
    tl.debug(this.line(message));
  }
  warning(message: string, location?: SourceLocation): void {
    tl.logIssue(tl.IssueType.Warning, this.line(message), location && printable(location.file), location?.line, location?.column);
  }
  error(message: string, location?: SourceLocation): void {
    tl.logIssue(tl.IssueType.Error, this.line(message), location && printable(location.file), location?.line, location?.column);
  }
  progress(message: string): void {
    console.log(this.line(message));
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    console.log(`##[group]${this.line(title)}`);
    try {
      return await fn();
    } finally {
      console.log('##[endgroup]');
    }
  }
  setOutput(name: string, value: string): void {
    tl.setVariable(taskInputName(name), this.m(value), false, true);
  }
  async summary(markdown: string): Promise<void> {
    const dir = tl.getVariable('Agent.TempDirectory') || mkdtempSync(join(tmpdir(), 'aml-summary-'));
    // Unique per call: two summaries within one millisecond used to share a file, so the first was lost.
    const file = join(dir, `aml-lifecycle-summary-${randomUUID()}.md`);
    writeFileSync(file, this.m(markdown));
    tl.uploadSummary(file);
  }
  setFailed(message: string, location?: SourceLocation): void {
    if (location) {
      // One error, annotated at the file position; setResult would log it a second time without one.
      this.error(message, location);
      tl.command('task.complete', { result: 'Failed' }, this.line(message));
    } else {
      tl.setResult(tl.TaskResult.Failed, this.line(message));
    }
    process.exitCode = 1;
  }
}

/** Entry point of an Azure DevOps task bundle. */
export function runAzureDevOpsTask(step: StepDefinition): Promise<boolean> {
  return runStep(step, new AzureDevOpsHost());
}
