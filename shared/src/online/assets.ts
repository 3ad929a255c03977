/**
 * deploy-online: the model, environment and code the deployment runs with, as ids. References are looked up
 * (labels and aliases resolved, existence checked by the doctor); a local code folder is uploaded content-hashed
 * as an anonymous code version; an inline environment becomes an (anonymous) environment version; a local model
 * folder is uploaded and registered. Nothing here is written in a dry run.
 */
import { hashLocalContent, type LocalContent } from '../assets/local-content';
import { blobServiceUrl } from '../assets/blob-service-url';
import type { AzureMlClient } from '../azureml/client';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import { aliasHolders } from '../promote/aliases';
import { workspaceModels } from '../promote/model-store';
import type { WorkspaceScope } from '../specs/datastore-uri';
import { resolveModelVersionBody } from '../specs/model-spec';
import { anonymousBuildEnvironmentVersion } from '../specs/online/environment-source';
import { ANONYMOUS_MODEL, assetRefId, type AssetRef, type AssetType, type OnlineDeploymentPlan } from '../specs/online';

export interface AssetIds {
  modelId?: string;
  environmentId?: string;
  codeId?: string;
  /** The data asset of each data collection (dataCollector), by collection name */
  dataIds?: Record<string, string>;
}

/** A write the apply phase performs before the deployment PUT (listed in the plan). */
export interface AssetWrite {
  what: string;
  apply: () => Promise<void>;
}

export interface ResolvedAssetPlan {
  ids: AssetIds;
  /** What must exist (checked by the doctor): input name, a description, and an existence check. */
  references: { input: string; what: string; exists: () => Promise<boolean> }[];
  writes: AssetWrite[];
}

export interface AssetContext {
  client: AzureMlClient;
  scope: WorkspaceScope;
  logger: Logger;
  signal?: AbortSignal;
}

const newestFirst = (a: { name?: string }, b: { name?: string }) => Number(b.name) - Number(a.name) || String(b.name).localeCompare(String(a.name));

async function resolveModelRef(c: AssetContext, ref: AssetRef): Promise<string> {
  if (ref.form !== 'label') return assetRefId(ref, c.scope, 'models')!;
  const store = workspaceModels(c.client, c.scope.resourceGroup, c.scope.workspaceName);
  const found = ref.label === 'latest' ? (await store.listVersions(ref.name)).sort(newestFirst)[0] : (await aliasHolders(store, ref.name, ref.label))[0];
  if (!found) {
    throw new StepError('not-found', `Input 'model': azureml:${ref.name}@${ref.label} matches no version of model ${ref.name} in workspace ${c.scope.workspaceName}.`, {
      input: 'model',
      hint: ref.label === 'latest' ? 'Register the model first (register-model).' : `No version carries the tag 'alias.${ref.label}'; move the alias with register-model or promote-model.`,
    });
  }
  return assetRefId({ form: 'version', name: ref.name, version: String(found.name) }, c.scope, 'models')!;
}

/** `azureml:<env>@latest`: the version created last (as azure-ai-ml resolves the label). */
async function latestEnvironment(c: AssetContext, name: string): Promise<string> {
  const versions = await c.client.assets.listEnvironmentVersions(c.scope.resourceGroup, c.scope.workspaceName, name);
  const newest = versions.sort((a, b) => String(b.systemData?.createdAt ?? '').localeCompare(String(a.systemData?.createdAt ?? '')) || newestFirst(a, b))[0];
  if (!newest?.name) {
    throw new StepError('not-found', `Input 'environment': azureml:${name}@latest matches no version of environment ${name} in workspace ${c.scope.workspaceName}.`, {
      input: 'environment',
      hint: 'Create the environment first, or name a version.',
    });
  }
  return assetRefId({ form: 'version', name, version: newest.name }, c.scope, 'environments')!;
}

/** An ARM id of a workspace asset version → its (name, version), for existence checks. */
function parseWorkspaceVersionId(id: string, type: AssetType): { name: string; version: string } | undefined {
  const m = new RegExp(`/workspaces/[^/]+/${type}/([^/]+)/versions/([^/]+)$`, 'i').exec(id);
  return m ? { name: decodeURIComponent(m[1]!), version: decodeURIComponent(m[2]!) } : undefined;
}

async function existsInWorkspace(c: AssetContext, id: string, type: AssetType): Promise<boolean> {
  const nv = parseWorkspaceVersionId(id, type);
  if (!nv || !id.toLowerCase().includes(`/workspaces/${c.scope.workspaceName.toLowerCase()}/`)) return true; // another scope or a registry: the service checks
  const { resourceGroup: rg, workspaceName: ws } = c.scope;
  if (type === 'models') return (await c.client.getModelVersion(rg, ws, nv.name, nv.version)) !== undefined;
  if (type === 'environments') return (await c.client.assets.getEnvironmentVersion(rg, ws, nv.name, nv.version)) !== undefined;
  return (await c.client.assets.getCodeVersion(rg, ws, nv.name, nv.version)) !== undefined;
}

/** Upload hashed local content to the workspace's default datastore (once); the https URL of its folder. */
export async function uploadFolder(c: AssetContext, local: LocalContent): Promise<string> {
  const ds = await c.client.getDefaultDatastore(c.scope.resourceGroup, c.scope.workspaceName);
  local.datastore = ds;
  const { uploadLocalModel } = await import('../assets/model-upload');
  await uploadLocalModel(c.client, c.scope, local, c.logger, c.signal);
  const p = ds.properties;
  return `${blobServiceUrl({ accountName: p.accountName!, endpoint: p.endpoint ?? 'core.windows.net', protocol: p.protocol })}/${p.containerName}/${local.uploadPath}`;
}

/** The assets a deployment names (online or batch: both plans carry the same model, environment and code sources). */
export type DeploymentAssets = Pick<OnlineDeploymentPlan, 'model' | 'environment' | 'code'> & Partial<Pick<OnlineDeploymentPlan, 'dataCollections'>>;

export async function planAssets(c: AssetContext, plan: DeploymentAssets): Promise<ResolvedAssetPlan> {
  const out: ResolvedAssetPlan = { ids: {}, references: [], writes: [] };
  const { resourceGroup: rg, workspaceName: ws } = c.scope;

  // Model (a pipeline batch deployment has none)
  const model = plan.model;
  if (!model) {
    /* nothing to resolve */
  } else if (model.kind === 'ref') {
    const id = await resolveModelRef(c, model.ref);
    out.ids.modelId = id;
    out.references.push({ input: 'model', what: `Model ${id}`, exists: () => existsInWorkspace(c, id, 'models') });
  } else {
    const mp = model.plan;
    if (mp.path.kind !== 'local') {
      const name = mp.name === ANONYMOUS_MODEL ? undefined : mp.name;
      if (!name || !mp.version) throw new StepError('input', "An inline model with a remote path needs a 'name' and a 'version'.", { input: 'deployment-file' });
      out.ids.modelId = assetRefId({ form: 'version', name, version: mp.version }, c.scope, 'models');
      const body = resolveModelVersionBody(mp, c.scope);
      out.writes.push({ what: `register model ${name}:${mp.version}`, apply: async () => void (await c.client.createOrUpdateModelVersion(rg, ws, name, mp.version!, body)) });
    } else {
      const local = await hashLocalContent(mp.path.absolutePath, c.logger, c.signal);
      const name = mp.name === ANONYMOUS_MODEL ? `model-${local.content.hash.slice(0, 16)}` : mp.name;
      const version = mp.version ?? '1';
      out.ids.modelId = assetRefId({ form: 'version', name, version }, c.scope, 'models');
      const existing = await c.client.getModelVersion(rg, ws, name, version);
      if (!existing) {
        out.writes.push({
          what: `upload ${local.content.files.length} model files and register model ${name}:${version}`,
          apply: async () => {
            await uploadFolder(c, local);
            const body = resolveModelVersionBody({ ...mp, name, version, datastore: local.datastore!.name! }, c.scope, local.uploadPath);
            await c.client.createOrUpdateModelVersion(rg, ws, name, version, { properties: { ...body.properties, isAnonymous: mp.name === ANONYMOUS_MODEL } });
          },
        });
      }
    }
  }

  // Environment
  const env = plan.environment;
  if (env?.kind === 'ref') {
    const id = env.ref.form === 'label' ? await latestEnvironment(c, env.ref.name) : assetRefId(env.ref, c.scope, 'environments')!;
    out.ids.environmentId = id;
    out.references.push({ input: 'environment', what: `Environment ${id}`, exists: () => existsInWorkspace(c, id, 'environments') });
  } else if (env?.kind === 'inline') {
    const s = env.spec;
    const context = s.buildContext?.kind === 'local' ? await hashLocalContent(s.buildContext.path, c.logger, c.signal) : undefined;
    // A local Docker build context is uploaded content-addressed; the anonymous version comes from its hash (as az ml).
    const version = s.version ?? (context ? anonymousBuildEnvironmentVersion(context.content.hash, s.body.properties.build?.dockerfilePath) : '1');
    out.ids.environmentId = assetRefId({ form: 'version', name: s.name, version }, c.scope, 'environments');
    const existing = await c.client.assets.getEnvironmentVersion(rg, ws, s.name, version);
    if (!existing) {
      out.writes.push({
        what: context ? `upload ${context.content.files.length} build context files and create environment ${s.name}:${version}` : `create environment ${s.name}:${version}`,
        apply: async () => {
          let body = s.body;
          if (context) {
            const contextUri = `${await uploadFolder(c, context)}/`;
            body = { properties: { ...s.body.properties, build: { ...s.body.properties.build, contextUri } } };
          }
          await c.client.assets.createOrUpdateEnvironmentVersion(rg, ws, s.name, version, body);
        },
      });
    }
  }

  // Code
  const code = plan.code;
  if (code?.kind === 'ref') {
    const id = assetRefId(code.ref, c.scope, 'codes')!;
    out.ids.codeId = id;
    out.references.push({ input: 'code', what: `Code ${id}`, exists: () => existsInWorkspace(c, id, 'codes') });
  } else if (code?.kind === 'local') {
    const local = await hashLocalContent(code.path, c.logger, c.signal);
    const name = local.content.hash.slice(0, 32);
    out.ids.codeId = assetRefId({ form: 'version', name, version: '1' }, c.scope, 'codes');
    const existing = await c.client.assets.getCodeVersion(rg, ws, name, '1');
    if (!existing) {
      out.writes.push({
        what: `upload ${local.content.files.length} code files as code ${name}:1`,
        apply: async () => {
          const codeUri = await uploadFolder(c, local);
          await c.client.assets.createOrUpdateCodeVersion(rg, ws, name, '1', { properties: { codeUri, isAnonymous: true } });
        },
      });
    }
  }

  // Data collections: as az ml does before the PUT, each collection's Data asset is created (uri_folder on the
  // collection's path) unless it exists; the deployment then names it by id.
  for (const a of plan.dataCollections ?? []) {
    const id = `/subscriptions/${c.scope.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/data/${a.name}/versions/${a.version}`;
    (out.ids.dataIds ??= {})[a.collection] = id;
    const existing = await c.client.assets.getDataVersion(rg, ws, a.name, a.version);
    if (!existing) {
      out.writes.push({
        what: `create data asset ${a.name}:${a.version} for the ${a.collection} collection`,
        apply: async () => void (await c.client.assets.createOrUpdateDataVersion(rg, ws, a.name, a.version, { properties: { dataType: 'uri_folder', dataUri: a.path, isAnonymous: false } })),
      });
    }
  }
  return out;
}
