/**
 * Schedules_List's `listViewType` (EnabledOnly by default, DisabledOnly, All) and the api-version that predates
 * monitors: at 2022-10-01 a CreateMonitor schedule is refused as that version's enum refuses it.
 */
import { sleep, startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 50 });
}, 60_000);
afterAll(() => t.stop());

const job = (isEnabled: boolean) => ({
  properties: { isEnabled, trigger: { triggerType: 'Recurrence', frequency: 'Day', interval: 1, schedule: { hours: [3], minutes: [0] } }, action: { actionType: 'CreateJob', jobDefinition: { jobType: 'Command' } } },
});
const names = async (view?: string) => {
  const r = await t.arm('GET', `${t.wsPath}/schedules${view ? `?listViewType=${view}` : ''}`);
  return r.status === 200 ? (r.json.value as { name: string }[]).map((s) => s.name).sort() : r.status;
};

test('the list shows enabled schedules unless asked for the disabled ones or all', async () => {
  expect((await t.arm('PUT', `${t.wsPath}/schedules/nightly-on`, job(true))).status).toBe(201);
  expect((await t.arm('PUT', `${t.wsPath}/schedules/nightly-off`, job(false))).status).toBe(201);
  await sleep(200);
  expect(await names()).toEqual(['nightly-on']);
  expect(await names('EnabledOnly')).toEqual(['nightly-on']);
  expect(await names('disabledonly')).toEqual(['nightly-off']);
  expect(await names('All')).toEqual(['nightly-off', 'nightly-on']);
  expect(await names('Everything')).toBe(400);
});

test('api-version 2022-10-01 has no CreateMonitor', async () => {
  const monitor = { properties: { ...job(true).properties, action: { actionType: 'CreateMonitor', monitorDefinition: {} } } };
  const r = await t.arm('PUT', `${t.wsPath}/schedules/old-monitor`, monitor, { apiVersion: '2022-10-01' });
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.json)).toMatch(/api-version 2022-10-01 has no CreateMonitor/);
});
