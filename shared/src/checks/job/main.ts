/** The check-job program's body (shared/entries/check-job.ts runs it): arguments in, outcome file out, exit code back. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_OUTCOME_FILE, jobOutcome, parseCheckJobSpec, runCheckJob } from './spec';

function args(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!;
    if (!k.startsWith('--') || argv[i + 1] === undefined) throw new Error(`usage: index.js --spec <file> --baseline <file> --target <file> --out <folder> (at '${k}')`);
    out[k.slice(2)] = argv[i + 1]!;
  }
  for (const k of ['spec', 'baseline', 'target', 'out']) if (!out[k]) throw new Error(`--${k} is required`);
  return out;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const a = args(argv);
    const spec = parseCheckJobSpec(readFileSync(a.spec!, 'utf8'));
    console.log(`Check ${spec.check.name} (${spec.check.type}): baseline ${a.baseline}, target ${a.target}`);
    const started = Date.now();
    const outcome = await runCheckJob(spec, { baseline: a.baseline!, target: a.target! }, (line) => console.log(line), new AbortController().signal);
    mkdirSync(a.out!, { recursive: true });
    writeFileSync(join(a.out!, JOB_OUTCOME_FILE), JSON.stringify(jobOutcome(outcome), null, 1));
    console.log(`Check ${spec.check.name}: ${outcome.status}, ${outcome.headline} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  } catch (e) {
    console.error(`Check could not run: ${(e as Error).message ?? String(e)}`);
    return 1;
  }
}
