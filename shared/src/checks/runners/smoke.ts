/**
 * The smoke check: each request sent to the deployment under test (through the azureml-model-deployment header),
 * its answer held to the expected status, a JSON Schema and expected values (numbers within a tolerance).
 */
import { policyError } from '../policy/errors';
import type { PolicyLocation } from '../policy/types';
import { mismatch } from '../../rollout/probe-match';
import type { SmokeCheck, SmokeRequest } from '../policy/types';
import type { ResultRow } from '../results/types';
import { countHeadline, num, timed } from './outcome';
import type { DeploymentPort, RunnerContext } from './ports';

type Validate = (data: unknown) => string | undefined;

/** A JSON Schema compiled once (draft 2020-12 when the schema says so, draft-07 otherwise). */
export async function compileSchema(schema: Record<string, unknown>, at: PolicyLocation): Promise<Validate> {
  const dialect = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12') ? '2020' : '07';
  const Ajv = dialect === '2020' ? (await import('ajv/dist/2020')).default : (await import('ajv')).default;
  const ajv = new Ajv({ strict: false, allErrors: false });
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    throw policyError(at, `the response schema is not a valid JSON Schema: ${(e as Error).message}`);
  }
  return (data) => (validate(data) ? undefined : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; '));
}

/** The value at a JSON pointer (RFC 6901), or a reason there is none. */
export function atPointer(doc: unknown, pointer: string): { value: unknown } | { missing: string } {
  if (pointer === '') return { value: doc };
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(key) && Number(key) < cur.length) cur = cur[Number(key)];
    else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.prototype.hasOwnProperty.call(cur, key)) cur = (cur as Record<string, unknown>)[key];
    else return { missing: `nothing at ${pointer}` };
  }
  return { value: cur };
}

const short = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);

async function requestRows(req: SmokeRequest, deployment: string, port: DeploymentPort, validate: Validate | undefined): Promise<ResultRow[]> {
  const answer = await port.score(deployment, req.body ?? '', req.headers, 30_000);
  const subject = req.name;
  const statusOk = req.status.includes(answer.status);
  const rows: ResultRow[] = [
    {
      subject,
      metric: 'status',
      measured: answer.status === 0 ? 'no answer' : String(answer.status),
      expected: req.status.join(' or '),
      status: statusOk ? 'passed' : 'failed',
      ...(statusOk ? {} : { detail: short(answer.error ?? answer.body) }),
      value: answer.status,
    },
  ];
  const needsBody = validate !== undefined || req.values.length > 0;
  if (!needsBody) return rows;
  let parsed: { ok: true; value: unknown } | { ok: false; why: string };
  try {
    parsed = { ok: true, value: JSON.parse(answer.body) as unknown };
  } catch {
    parsed = { ok: false, why: `the answer is not JSON: ${short(answer.body)}` };
  }
  if (validate) {
    const why = parsed.ok ? validate(parsed.value) : parsed.why;
    rows.push({ subject, metric: 'schema', measured: why ? 'invalid' : 'valid', expected: 'valid', status: why ? 'failed' : 'passed', ...(why ? { detail: short(why, 160) } : {}) });
  }
  for (const v of req.values) {
    const expected = `${JSON.stringify(v.equals)}${v.tolerance > 0 ? ` ± ${v.tolerance}` : ''}`;
    const found = parsed.ok ? atPointer(parsed.value, v.pointer) : { missing: parsed.why };
    if ('missing' in found) {
      rows.push({ subject, metric: v.pointer || '/', measured: '', expected, status: 'failed', detail: found.missing });
      continue;
    }
    const diff = mismatch(v.equals, found.value, { tolerance: v.tolerance });
    rows.push({
      subject,
      metric: v.pointer || '/',
      measured: typeof found.value === 'number' ? num(found.value) : short(JSON.stringify(found.value) ?? 'undefined', 40),
      expected,
      status: diff ? 'failed' : 'passed',
      ...(diff ? { detail: diff } : {}),
      ...(typeof found.value === 'number' ? { value: found.value } : {}),
    });
  }
  return rows;
}

export function runSmoke(check: SmokeCheck, ctx: RunnerContext) {
  return timed(check, async () => {
    const port = ctx.port!;
    const deployment = check.deployment ?? port.target;
    const rows: ResultRow[] = [];
    const validators = await Promise.all(check.requests.map((r) => (r.schema ? compileSchema(r.schema, r.at) : undefined)));
    for (const [i, req] of check.requests.entries()) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      rows.push(...(await requestRows(req, deployment, port, validators[i])));
    }
    return { headline: countHeadline(rows, 'assertions'), rows, facts: { deployment, requests: check.requests.length } };
  });
}
