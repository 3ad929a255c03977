/**
 * `timeout` is a deadline: a response the service delays past it is abandoned, the step ends with a timeout error
 * naming the input, and nothing is written after it (issue 6 §4). Run through the CLI bundle as a terminal runs it.
 */
import { join } from 'node:path';
import { runNode } from '../../shared/cli/runners';
import { isArmWrite, REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { cliEnv, modelFolder, uniqueName, workspaceInputs } from '../support/e2e';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
/** Far longer than any run here may take: a step that waited for the delayed answer would hit Jest's timeout. */
const DELAY_MS = 60_000;

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t?.stop());

const register = (name: string, timeout: string) =>
  runNode(
    CLI,
    ['register-model', ...Object.entries({ ...workspaceInputs(t), 'model-name': name, 'model-path': modelFolder(), timeout }).flatMap(([k, v]) => [`--${k}`, v])],
    cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0]!.secrets[0]!.value }),
  );

test('a model read delayed past the deadline ends the step with a timeout error, not the late answer', async () => {
  const name = uniqueName('late');
  await t.control.addFault({ method: 'GET', path: `/models/${name}/versions$`, delayMs: DELAY_MS, times: 1 });
  const since = await t.control.lastSeq();
  const started = Date.now();
  const r = await register(name, '4s');
  const took = Date.now() - started;
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toMatch(/Timed out: .*timeout of 4s elapsed/);
  expect(r.stderr).toMatch(/'timeout'/);
  // It did not wait for the delayed response, and wrote nothing.
  expect(took).toBeLessThan(DELAY_MS / 2);
  expect((await t.control.journal(since)).filter(isArmWrite)).toEqual([]);
  // A rerun with time to spare finishes the job.
  const again = await register(name, '2m');
  expect(again.exitCode).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ 'model-name': name, 'model-version': '1' });
}, 50_000);

test('a sign-in delayed past the deadline times out too', async () => {
  await t.control.addFault({ method: 'POST', path: '/oauth2/v2.0/token$', delayMs: DELAY_MS, times: 1 });
  const r = await register(uniqueName('late-token'), '3s');
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toMatch(/Timed out: .*timeout of 3s elapsed/);
}, 50_000);

test('a 1 ms timeout cannot succeed', async () => {
  const since = await t.control.lastSeq();
  const r = await register(uniqueName('instant'), '1ms');
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toMatch(/Timed out: .*timeout of 1 ms elapsed/);
  expect((await t.control.journal(since)).filter(isArmWrite)).toEqual([]);
}, 30_000);
