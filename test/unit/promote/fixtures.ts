import { ScriptedServer } from '../azureml/scripted-server';
import { FakeAzureMl } from './fake-azureml';

export interface FakeAzureMlFixture {
  /** One server for the test file, reset before each test. */
  readonly server: ScriptedServer;
  /** A fresh fake per test, installed on `server` and seeded. */
  readonly fake: FakeAzureMl;
}

/**
 * Registers the jest hooks of a test file whose tests run against a FakeAzureMl: the server starts once, and each
 * test gets it reset with a new fake on it, seeded by `seed`. Read `server` and `fake` inside hooks and tests only.
 */
export function useFakeAzureMl(seed: (fake: FakeAzureMl) => void = () => {}): FakeAzureMlFixture {
  let server: ScriptedServer | undefined;
  let fake: FakeAzureMl | undefined;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    server!.reset();
    fake = new FakeAzureMl(server!).install();
    seed(fake);
  });
  return {
    get server() {
      if (!server) throw new Error('the fake Azure ML server is only there inside hooks and tests');
      return server;
    },
    get fake() {
      if (!fake) throw new Error('the fake Azure ML is only there inside hooks and tests');
      return fake;
    },
  };
}
