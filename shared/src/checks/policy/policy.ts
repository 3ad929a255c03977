/**
 * Reading a staging-checks policy file: parse the YAML (positions kept), apply the step's overrides, then check
 * every section and check, collecting the problems. One input error lists them all, located at the first.
 */
import { isMap, type Node } from 'yaml';
import { Problems, type Origin } from '../../specs/online/origins';
import { loadYamlFile, parseYamlText, type YamlSource } from '../../specs/yaml-source';
import { readChecks } from './checks-reader';
import { policyError } from './errors';
import { applyPolicyOverrides, type PolicyOverrides } from './overrides';
import { PolicyReader } from './reader';
import { readData, readDefaults, readScoring, readTarget } from './sections';
import { POLICY_VERSION, type Policy, type PolicyCheck } from './types';

export const POLICY_KEYS = ['version', 'target', 'scoring', 'data', 'defaults', 'checks'];

export interface PolicyOptions {
  overrides?: PolicyOverrides;
  /** The step input that named the file, for a file that cannot be read (default 'policy') */
  input?: string;
}

/** The datasets the checks refer to. */
function referenced(checks: PolicyCheck[]): Set<string> {
  const out = new Set<string>();
  for (const c of checks) {
    if (c.type === 'data_quality' || c.type === 'data_drift' || c.type === 'prediction_drift') out.add(c.baseline.value).add(c.target.value);
    if (c.type === 'fairness' || c.type === 'champion_challenger') out.add(c.data.value);
  }
  return out;
}

function readPolicy(src: YamlSource, options: PolicyOptions): Policy {
  const r = new PolicyReader(src, new WeakMap<Node, Origin>(), new Problems());
  const dataNode = src.nodeAt('data');
  const written = new Set(isMap(dataNode) ? src.entries(dataNode).map((e) => e.key) : []);
  const given = options.overrides ? applyPolicyOverrides(r, options.overrides) : new Map<string, Origin>();
  const top = r.map(src.root, '', POLICY_KEYS) ?? {};

  const versionEntry = top['version'];
  if (!r.present(versionEntry)) r.fail(versionEntry?.keyNode ?? src.root, `'version' is required: write 'version: ${POLICY_VERSION}' at the top of the policy`);
  else {
    const v = r.int(versionEntry, 'version');
    if (v !== undefined && v !== POLICY_VERSION) r.fail(versionEntry.value, `'version' is ${v}; this step reads version ${POLICY_VERSION} policies`);
  }
  const target = readTarget(r, top['target']);
  const scoring = readScoring(r, top['scoring']);
  const { datasets, names } = readData(r, top['data'], options.overrides?.dataBaseDir ?? process.cwd());
  const defaultSeverity = readDefaults(r, top['defaults']);
  const checks = readChecks(r, top['checks'], { defaultSeverity, ...(scoring ? { scoring } : {}), datasets: names });

  const used = referenced(checks);
  for (const [name, origin] of given) {
    if (written.has(name) || used.has(name)) continue;
    const at = { file: src.file, input: origin.source.kind === 'input' ? origin.source.input : 'data', ...(origin.line === undefined ? {} : { inputLine: origin.line }) };
    r.problems.add(policyError(at, `dataset '${name}' is neither defined under 'data:' nor used by a check${used.size ? ` (checks use: ${[...used].join(', ')})` : ''}`));
  }

  r.problems.throwIfAny(`policy ${src.file}`);
  return {
    file: src.file,
    folder: r.folder,
    version: POLICY_VERSION,
    target,
    ...(scoring ? { scoring } : {}),
    data: datasets,
    defaultSeverity,
    checks,
  };
}

/** Reads, overrides and checks a policy held in memory (`file` names it in messages and anchors relative paths). */
export function parsePolicyText(text: string, file: string, options: PolicyOptions = {}): Policy {
  return readPolicy(parseYamlText(text, file), options);
}

/** Reads a policy file (a regular file), applies the overrides and checks everything. */
export function loadPolicy(file: string, options: PolicyOptions = {}): Policy {
  return readPolicy(loadYamlFile(file, { input: options.input ?? 'policy' }), options);
}
