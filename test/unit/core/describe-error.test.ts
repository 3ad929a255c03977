import { describeError } from '../../../shared/src/core/describe-error';

describe('describeError: readable text for any thrown value, never [object Object]', () => {
  const cases: [string, unknown][] = [
    ['an Error', new Error('boom')],
    ['a string', 'plain text'],
    ['a plain object with message', { message: 'from an object' }],
    ['an OAuth error body', { error: 'server_error', error_description: 'Entra is down' }],
    ['an ARM error envelope', { error: { code: 'InternalServerError', message: 'try again' } }],
    ['an MSAL-like error whose errorCode is an object', Object.assign(new Error('[object Object]: Error(s): Not Available'), { errorCode: { a: 1 } })],
    ['an object without message fields', { status: 503, detail: { nested: true } }],
    ['a cyclic object', (() => { const o: Record<string, unknown> = { n: 1 }; o.self = o; return o; })()],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an empty object', {}],
    ['an Error with an empty message and an object cause', Object.assign(new Error(''), { cause: { message: 'inner reason' } })],
    ['a BigInt-holding object', { big: BigInt(7) }],
  ];
  test.each(cases)('%s', (_what, value) => {
    const text = describeError(value);
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/\[object \w+\]/);
  });

  test('keeps the message, adds a code the message lacks, reads nested and OAuth shapes', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(Object.assign(new Error('connect failed'), { code: 'ECONNRESET' }))).toBe('ECONNRESET: connect failed');
    expect(describeError(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }))).toBe('getaddrinfo ENOTFOUND x');
    expect(describeError({ error: 'server_error', error_description: 'Entra is down' })).toBe('Entra is down');
    expect(describeError({ error: { code: 'InternalServerError', message: 'try again' } })).toBe('InternalServerError: try again');
    expect(describeError({ status: 503 })).toBe('{"status":503}');
    expect(describeError(Object.assign(new Error(''), { cause: { message: 'inner reason' } }))).toBe('inner reason');
    expect(describeError(null)).toBe('no error details');
    expect(describeError(Object.assign(new Error('[object Object]: Error(s): Not Available'), { errorCode: { a: 1 } }))).toBe('Error(s): Not Available');
  });

  test('long values are clipped', () => {
    expect(describeError('x'.repeat(2000)).length).toBeLessThanOrEqual(501);
  });
});
