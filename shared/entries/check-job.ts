/**
 * The program an Azure ML command job runs for a staging check with `run_on:` (shared/dist/check-job/index.js,
 * shipped in every host's bundle and uploaded as the job's code): one data check from `--spec` on the files
 * `--baseline` and `--target`, its outcome written to `--out`/outcome.json. A check that fails is a job that
 * completes (the outcome says failed); the job fails only when the check cannot run (a missing column, an
 * unreadable file), with the reason as the last line of stderr.
 */
import { main } from '../src/checks/job/main';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
