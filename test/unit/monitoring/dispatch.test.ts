/** repository_dispatch against a local server standing in for the GitHub API: path, headers, body, errors. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dispatchProblem, sendRepositoryDispatch } from '../../../shared/src/monitoring/dispatch';

let seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
let status = 204;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 204 ? undefined : JSON.stringify({ message: 'Resource not accessible by integration' }));
  });
});
let api = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  status = 204;
});

test('POSTs event_type and client_payload to repos/{repo}/dispatches with the token as a bearer', async () => {
  await sendRepositoryDispatch({ apiUrl: `${api}/`, repository: 'contoso/credit', token: 'ghs_secret', eventType: 'aml-monitor-breached', payload: { monitor: 'm', signals: ['data-drift'] } });
  expect(seen).toHaveLength(1);
  expect(seen[0]!.method).toBe('POST');
  expect(seen[0]!.url).toBe('/repos/contoso/credit/dispatches');
  expect(seen[0]!.headers.authorization).toBe('Bearer ghs_secret');
  expect(seen[0]!.headers.accept).toBe('application/vnd.github+json');
  expect(JSON.parse(seen[0]!.body)).toEqual({ event_type: 'aml-monitor-breached', client_payload: { monitor: 'm', signals: ['data-drift'] } });
});

test('a refusal names the status, GitHub’s message and the permission, never the token', async () => {
  status = 403;
  const p = sendRepositoryDispatch({ apiUrl: api, repository: 'contoso/credit', token: 'ghs_secret', eventType: 'x', payload: {} });
  await expect(p).rejects.toThrow(/answered 403: Resource not accessible by integration \(the token needs contents: write/);
  await expect(sendRepositoryDispatch({ apiUrl: api, repository: 'contoso/credit', token: 'ghs_secret', eventType: 'x', payload: {} })).rejects.not.toThrow(/ghs_secret/);
});

test('bad repository, event type or API URL are refused before any request', async () => {
  expect(dispatchProblem({ repository: 'contoso', eventType: 'x', apiUrl: api })).toMatch(/not owner\/repo/);
  expect(dispatchProblem({ repository: 'a/b', eventType: 'has space', apiUrl: api })).toMatch(/event type/);
  expect(dispatchProblem({ repository: 'a/b', eventType: 'x', apiUrl: 'http://example.com' })).toMatch(/https/);
  expect(dispatchProblem({ repository: 'contoso/..', eventType: 'x', apiUrl: api })).toMatch(/not owner\/repo/);
  await expect(sendRepositoryDispatch({ apiUrl: api, repository: '../x', token: 't', eventType: 'x', payload: {} })).rejects.toThrow(/not owner\/repo/);
  expect(seen).toHaveLength(0);
});
