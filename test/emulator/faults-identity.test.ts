/** Faults on identity endpoints answer as the identity service would: an OAuth error, not an ARM envelope. */
import { faultReply, IDENTITY_PATH, type Fault } from '../../shared/emulator/src/faults';

const fault = (spec: Partial<Fault>): Fault => ({ id: 'f1', path: '.', fired: 0, ...spec });

test.each(['/entra/t/oauth2/v2.0/token', '/msi/token', '/github-oidc/job/idtoken', '/ado/oidc'])('%s is an identity path', (p) => {
  expect(IDENTITY_PATH.test(p)).toBe(true);
});

test('identity paths get {error, error_description}; ARM paths the ARM error envelope; a given body wins', () => {
  expect(faultReply(fault({ status: 500 }), '/entra/t/oauth2/v2.0/token').body).toEqual({
    error: 'server_error',
    error_description: expect.stringContaining('internal error'),
  });
  expect(faultReply(fault({ status: 503, retryAfter: 2 }), '/msi/token')).toMatchObject({
    status: 503,
    headers: { 'Retry-After': '2' },
    body: { error: 'temporarily_unavailable' },
  });
  expect(faultReply(fault({ status: 500 }), '/subscriptions/s/resourceGroups/rg').body).toEqual({
    error: { code: 'InternalServerError', message: expect.any(String) },
  });
  expect(faultReply(fault({ status: 500, body: { x: 1 } }), '/msi/token').body).toEqual({ x: 1 });
});
