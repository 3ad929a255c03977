/**
 * Workspace jobs of jobType Command (`.../workspaces/{w}/jobs/{name}`): PUT submits (201, status NotStarted; a PUT
 * of an existing job with the same definition only replaces its tags, one that changes it answers 400), GET and
 * list render the job with its current status and its Studio service, POST .../cancel asks a runner to stop it (a
 * job no runner has taken yet is Canceled at once). The runner (jobs/runner.ts) carries jobs out in whichever
 * emulator process on the state directory claims them.
 */
import type { Reply } from '../http';
import type { Json } from '../state/model';
import type { ArmCall, ResourceTypeHandler } from './call';
import { userError } from './errors';
import { changedFields, commandJobSpec } from '../jobs/body';
import { COMMAND_TERMINAL, commandJobs, findCommandJob, peekCommandJobs, type CommandJob } from '../jobs/state';
import { page } from './resource-helpers';

const JOB_TYPE = 'Microsoft.MachineLearningServices/workspaces/jobs';
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

function notFound(c: ArmCall): Reply {
  const message = `Could not find job '${c.names[1]}' in workspace '${c.names[0]}'.`;
  return userError(message, { code: 'NotFound', message }, 404);
}

export function renderCommandJob(c: Pick<ArmCall, 'workspace' | 'principal'>, job: CommandJob): Json {
  const wsGuid = String((c.workspace?.body.properties as Json | undefined)?.workspaceId ?? '');
  const studio = `https://ml.azure.com/runs/${encodeURIComponent(job.name)}?wsid=${encodeURIComponent(c.workspace?.id ?? '')}${wsGuid ? `&wsguid=${wsGuid}` : ''}`;
  return {
    id: job.id,
    name: job.name,
    type: JOB_TYPE,
    properties: {
      ...job.properties,
      tags: job.tags ?? {},
      status: job.status,
      services: {
        Studio: { jobServiceType: 'Studio', endpoint: studio, status: null, errorMessage: null, properties: null },
        Tracking: { jobServiceType: 'Tracking', endpoint: `azureml://emulator/mlflow/v1.0${c.workspace?.id ?? ''}`, status: null, errorMessage: null, properties: null },
      },
      ...(job.error ? { error: job.error } : {}),
      ...(job.startedAt ? { startTimeUtc: job.startedAt } : {}),
      ...(job.endedAt ? { endTimeUtc: job.endedAt } : {}),
    },
    systemData: { createdAt: job.createdAt, createdBy: job.createdBy, createdByType: 'Application' },
  };
}

function put(c: ArmCall): Reply {
  const name = c.names[1]!;
  if (!JOB_NAME.test(name)) return userError(`The job name '${name}' is not valid: letters, digits, '-' and '_', starting with a letter or digit.`, { code: 'BadArgument', message: 'Invalid job name' });
  const read = commandJobSpec(c.state, c.workspace!, name, c.body);
  if ('status' in read) return read;
  const prev = findCommandJob(c.state, c.id);
  if (prev) {
    const changed = changedFields(prev.properties, read.properties);
    if (changed.length) {
      const message = `A job named '${name}' already exists and its definition cannot be changed (${changed.join(', ')} differ): only tags can be updated. Submit the job under a new name.`;
      return userError(message, { code: 'Immutable', message }, 400);
    }
    prev.tags = read.tags ?? prev.tags;
    return { status: 200, body: renderCommandJob(c, prev) };
  }
  const job: CommandJob = {
    name,
    id: c.id,
    properties: read.properties,
    ...(read.tags ? { tags: read.tags } : {}),
    status: 'NotStarted',
    createdAt: new Date(c.now).toISOString(),
    createdBy: c.principal.appId ?? c.principal.principalId,
    spec: read.spec,
  };
  commandJobs(c.state).jobs[c.id.toLowerCase()] = job;
  return { status: 201, body: renderCommandJob(c, job) };
}

function cancel(c: ArmCall): Reply {
  const job = findCommandJob(c.state, c.id);
  if (!job) return notFound(c);
  const stored = commandJobs(c.state).jobs[c.id.toLowerCase()]!;
  if (!COMMAND_TERMINAL.includes(stored.status)) {
    stored.cancelRequested = true;
    if (!stored.claim) {
      stored.status = 'Canceled';
      stored.endedAt = new Date(c.now).toISOString();
    } else stored.status = 'CancelRequested';
  }
  return { status: 202, headers: { 'Retry-After': '1' } };
}

/**
 * Jobs_List filters: `scheduleId` (the schedule that made the job: a monitor run names its schedule in the
 * `azureml.modelmonitor.schedule` property), `tag` (`key` or `key=value`), `jobType`.
 */
function listed(j: CommandJob, q: URLSearchParams): boolean {
  const props = (j.properties.properties ?? {}) as Record<string, unknown>;
  const schedule = q.get('scheduleId');
  if (schedule && String(props['azureml.modelmonitor.schedule'] ?? j.properties.scheduleId ?? '').toLowerCase() !== schedule.toLowerCase()) return false;
  const tag = q.get('tag');
  if (tag) {
    const [k, v] = tag.includes('=') ? [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)] : [tag, undefined];
    const tags = (j.tags ?? {}) as Record<string, unknown>;
    if (!(k in tags) || (v !== undefined && String(tags[k]) !== v)) return false;
  }
  const type = q.get('jobType');
  return !type || String(j.properties.jobType ?? '').toLowerCase() === type.toLowerCase();
}

export const commandJobHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'jobs'],
  list: (c) => {
    const prefix = `${c.workspace!.id.toLowerCase()}/jobs/`;
    const jobs = Object.entries(peekCommandJobs(c.state)?.jobs ?? {})
      .filter(([k]) => k.startsWith(prefix))
      .map(([, j]) => j)
      .filter((j) => listed(j, c.url.searchParams))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return page(c, jobs.map((j) => renderCommandJob(c, j)));
  },
  get: (c) => {
    const job = findCommandJob(c.state, c.id);
    return job ? { status: 200, body: renderCommandJob(c, job) } : notFound(c);
  },
  put,
  actions: { cancel },
};
