/** Policies built by hand (not through the loader) and a deployment port answered by a function. */
import type { DeploymentPort, RunnerContext, ScoreAnswer } from '../../../../shared/src/checks/runners';
import type { Located, Policy, PolicyCheck, PolicyDataset, ScoringSpec } from '../../../../shared/src/checks/policy/types';

export const at = (line: number) => ({ file: 'policy.yml', line, column: 3 });
export const loc = <T>(value: T, line = 1): Located<T> => ({ value, at: at(line) });

export function policy(checks: PolicyCheck[], data: Record<string, string> = {}, scoring?: ScoringSpec): Policy {
  const map = new Map<string, PolicyDataset>(Object.entries(data).map(([name, path], i) => [name, { name, path, kind: 'local', at: at(100 + i) }]));
  return { file: 'policy.yml', version: 1, target: {}, data: map, checks, ...(scoring ? { scoring } : {}) };
}

export function scoring(features: string[], extra: Partial<ScoringSpec> = {}): ScoringSpec {
  return { features: features.map((f, i) => loc(f, 10 + i)), batchSize: 100, inputKey: 'data', rowFormat: 'rows', outputPointer: '', outputKind: 'score', at: at(9), ...extra };
}

export interface Sent {
  deployment: string;
  body: string;
}

export function port(answer: (deployment: string, body: unknown) => ScoreAnswer | unknown, extra: Partial<DeploymentPort> = {}): DeploymentPort & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    target: 'green',
    champion: 'blue',
    scoringUri: 'http://127.0.0.1:1/score',
    bearer: async () => 'k',
    sent,
    async score(deployment, body) {
      sent.push({ deployment, body });
      const a = answer(deployment, JSON.parse(body));
      if (a && typeof a === 'object' && 'status' in (a as object) && 'body' in (a as object)) return a as ScoreAnswer;
      return { status: 200, body: JSON.stringify(a), latencyMs: 1 };
    },
    ...extra,
  };
}

export function context(p: DeploymentPort | undefined, data: Record<string, string> = {}): RunnerContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    ...(p ? { port: p } : {}),
    datasetPath: (name) => {
      const path = data[name];
      if (!path) throw new Error(`no dataset ${name}`);
      return path;
    },
    progress: (l) => lines.push(l),
    progressEveryMs: 0,
    signal: new AbortController().signal,
    lines,
  };
}
