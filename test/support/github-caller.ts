/**
 * A caller repository's GitHub side, as the workflow tests run it: one OIDC job per environment with the federated
 * credential the templates' comments tell teams to create, the repository variables the templates read, the
 * `aml-lifecycle/aml-lifecycle/actions/<step>@v1` actions resolved to this checkout, and each environment's OIDC
 * job handed to the jobs that name it.
 */
import { join } from 'node:path';
import type { WorkflowRun, WorkflowRunOptions } from './gh-workflow-runner';
import { REPO, type TestEmulator } from './emulator';

/** Seeds job `job-<env>` (request token `req-<env>`) on `ref` and a federated credential per environment. */
export async function seedGitHubEnvironments(t: TestEmulator, repository: string, environments: string[], ref: string): Promise<void> {
  const app = t.world.identity.apps[0];
  await t.control.seed({
    identity: {
      githubJobs: environments.map((e) => ({ id: `job-${e}`, repository, ref, environment: e, requestToken: `req-${e}` })),
      apps: [
        {
          displayName: app.displayName,
          appId: app.appId,
          federatedCredentials: environments.map((e) => ({ name: `credit-${e}`, issuer: `${t.env.AML_EMULATOR_URL}/github-oidc`, subject: `repo:${repository}:environment:${e}`, audiences: ['api://AzureADTokenExchange'] })),
        },
      ],
    },
  });
}

/** The repository variables the templates read. */
export const callerVars = (t: TestEmulator): Record<string, string> => ({
  AZURE_CLIENT_ID: t.world.identity.apps[0].appId,
  AZURE_TENANT_ID: t.world.identity.tenantId,
  AZURE_SUBSCRIPTION_ID: t.env.AZURE_SUBSCRIPTION_ID!,
  AML_RESOURCE_GROUP: t.env.AML_RESOURCE_GROUP!,
  AML_WORKSPACE: t.env.AML_WORKSPACE!,
  AML_REGISTRY: t.env.AML_REGISTRY_NAME!,
  AML_REGISTRY_RESOURCE_GROUP: t.env.AML_REGISTRY_RESOURCE_GROUP!,
  AML_REGISTRY_SUBSCRIPTION_ID: t.env.AML_REGISTRY_SUBSCRIPTION_ID!,
});

/** `uses: aml-lifecycle/aml-lifecycle/actions/<step>@v1` as this checkout's action folder. */
export const checkoutAction: WorkflowRunOptions['actionFor'] = (uses) => {
  const a = /^aml-lifecycle\/aml-lifecycle\/actions\/([a-z-]+)@v1$/.exec(uses);
  return a ? join(REPO, 'actions', a[1]!) : undefined;
};

/** The OIDC job of a job's environment (the first seeded one for a job without an environment), in run `runId`. */
export const environmentOidc =
  (t: TestEmulator, runId: string, environments: string[]): WorkflowRunOptions['oidcFor'] =>
  (environment) => {
    const e = environment && environments.includes(environment) ? environment : environments[0]!;
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${t.env.AML_EMULATOR_URL}/github-oidc/_apis/distributedtask/hubs/Actions/plans/${runId}/jobs/job-${e}/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: `req-${e}`,
    };
  };

/** Each failed step of a run with the tail of its output, for an assertion that shows why. */
export const workflowFailures = (r: WorkflowRun): string =>
  Object.entries(r.jobs)
    .flatMap(([j, v]) => v.steps.filter((s) => s.outcome === 'failure').map((s) => `${j}/${s.id ?? s.uses}:\n${s.run ? `${s.run.stdout.slice(-3000)}${s.run.stderr.slice(-1000)}` : s.log}`))
    .join('\n');
