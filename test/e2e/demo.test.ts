/**
 * The README's main command: `npm run demo` runs the CLI bundle's demo, which starts its own emulator and carries the
 * sample model through the GitHub action, the Azure DevOps task and the CLI, promotes it twice, deploys the champion
 * to an online endpoint, rolls back a slow challenger's canary on its latency analysis, stages a good one at 0%,
 * runs the staging checks on it and rolls it out, and
 * deploys the champion to a Kubernetes endpoint on the emulator's Arc cluster, batch-scores a sample with it, and
 * monitors it: a drifted sample breaches the monitor and the breach closes the loop (Event Grid → relay → dispatch).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runNode } from '../../shared/cli/runners';
import { REPO } from '../support/emulator';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

test('the demo succeeds in every host, shows summaries (not progress logs), removes its state and says what to do next', async () => {
  // A fresh machine: no CA trust set up beforehand (the demo makes and trusts its own).
  const r = await runNode(CLI, ['demo'], { PATH: process.env.PATH, HOME: process.env.HOME }, REPO);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/Demo finished: every step succeeded\./);
  expect(r.stdout.match(/^exit code 0$/gm)).toHaveLength(12);
  // Step 3 (the CLI) shows its summary like the others, not its progress log.
  const step3 = r.stdout.slice(r.stdout.indexOf('3/14 CLI'), r.stdout.indexOf('4/14 '));
  expect(step3).toMatch(/summary:\n.*\S/);
  expect(step3).not.toMatch(/^\s*(…|▸) /m);
  // The deploy half: the champion serves, the slow canary is rolled back by its latency rule, the good one stays.
  const step7 = r.stdout.slice(r.stdout.indexOf('7/14 CLI'), r.stdout.indexOf('8/14 '));
  expect(step7).toMatch(/^exit code 1 \(a failure is expected here\)$/m);
  expect(step7).toMatch(/result = rolled-back/);
  expect(step7).toMatch(/❌ latency\.p95 <= 300ms: \d+(\.\d+)?ms is not <= 300ms/);
  expect(step7).toMatch(/traffic = \{"blue":100\}/);
  // The good one: staged at 0% and probed, checked by staging-checks, then promoted as it is.
  const step8 = r.stdout.slice(r.stdout.indexOf('8/14 '), r.stdout.indexOf('9/14 '));
  expect(step8).toMatch(/^exit code 0$/m);
  expect(step8).toMatch(/result = staged/);
  expect(step8).toMatch(/traffic = \{"blue":100/);
  const step9 = r.stdout.slice(r.stdout.indexOf('9/14 '), r.stdout.indexOf('10/14 '));
  expect(step9).toMatch(/^exit code 0$/m);
  expect(step9).toMatch(/verdict = passed/);
  expect(step9).toMatch(/champion-vs-challenger/);
  const step10 = r.stdout.slice(r.stdout.indexOf('10/14 '), r.stdout.indexOf('11/14 '));
  expect(step10).toMatch(/traffic = \{"green":100\}/);
  expect(step10).toMatch(/smoke test green \| blue=100 \| none \| — \| passed: 2 of 2 requests as expected/);
  // The Kubernetes half: the Arc cluster attached as a compute, the champion served there after its probe.
  const step11 = r.stdout.slice(r.stdout.indexOf('11/14 '), r.stdout.indexOf('12/14 '));
  expect(step11).toMatch(/^exit code 0$/m);
  expect(step11).toMatch(/compute-id = \S+\/computes\/arc-inference/i);
  expect(step11).toMatch(/smoke test blue \| none \| none \| — \| passed: 2 of 2 requests as expected/);
  expect(r.stdout).toMatch(/deploy-online --endpoint-name my-ep/);
  expect(r.stdout).toMatch(/deploy-arc --compute-name my-k8s/);
  // The batch step: a real job scored the sample, and the deployment became the default.
  const step12 = r.stdout.slice(r.stdout.indexOf('12/14 '), r.stdout.indexOf('13/14 '));
  expect(step12).toMatch(/^exit code 0$/m);
  expect(step12).toMatch(/default-deployment = nightly/);
  expect(step12).toMatch(/Test invocation: job `[^`]+` Completed/);
  // Monitoring, and the loop closed: the drift breaches the monitor, Event Grid delivers it through the relay to
  // repository_dispatch, and the scheduled check fails with the drifted features.
  const step13 = r.stdout.slice(r.stdout.indexOf('13/14 '), r.stdout.indexOf('14/14 '));
  expect(step13).toMatch(/^exit code 0$/m);
  expect(step13).toMatch(/schedule-name = credit-default-monitor/);
  expect(step13).toMatch(/event-subscription-id = \S+\/providers\/Microsoft\.EventGrid\/eventSubscriptions\/credit-default-monitor-breach/);
  expect(step13).toMatch(/^monitor run \S+: Failed$/m);
  expect(step13).toMatch(/^Event Grid delivered the breach to http:\/\/127\.0\.0\.1:\d+\/api\/monitor-breach: HTTP 200$/m);
  expect(step13).toMatch(/^repository_dispatch received: monitor-breached \{"monitor":"credit-default-monitor".*"signals":\["applicant-drift"\]/m);
  expect(step13).not.toContain('demo-relay-key');
  const step14 = r.stdout.slice(r.stdout.indexOf('14/14 '));
  expect(step14).toMatch(/^exit code 1 \(a failure is expected here\)$/m);
  expect(step14).toMatch(/result = breached/);
  expect(step14).toMatch(/\| income \| NormalizedWassersteinDistance \| /);
  expect(r.stdout).toMatch(/configure-monitors --endpoint-name my-ep/);
  // The state folder it announced is gone, as it said it would be.
  const state = /^state: +(\S+) \(removed after the demo; --keep keeps it\)$/m.exec(r.stdout)?.[1];
  expect(state).toBeDefined();
  expect(existsSync(state!)).toBe(false);
  expect(r.stdout).toMatch(/Next: try your own model/);
  expect(r.stdout).toMatch(/emulator &/);
  expect(r.stdout).toMatch(/register-model --model-name my-model/);
  // Nothing a runner or agent would act on.
  for (const line of r.stdout.split('\n')) expect(line).not.toMatch(/^\s*(::|##vso\[|##\[)/);
}, 240_000);
