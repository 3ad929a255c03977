import { describeNetworkFailure } from '../../../shared/src/core/network-error';

const sysError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('describeNetworkFailure names the host', () => {
  test('DNS: ENOTFOUND and EAI_AGAIN name the host that did not resolve', () => {
    const notFound = describeNetworkFailure(sysError('getaddrinfo ENOTFOUND nonexistent.invalid', { code: 'ENOTFOUND', hostname: 'nonexistent.invalid' }));
    expect(notFound).toMatchObject({ kind: 'dns', code: 'ENOTFOUND', where: 'nonexistent.invalid' });
    expect(notFound!.text).toBe("the host 'nonexistent.invalid' could not be resolved (ENOTFOUND: no such host)");
    const again = describeNetworkFailure(sysError('getaddrinfo EAI_AGAIN login.example', { code: 'EAI_AGAIN' }));
    expect(again).toMatchObject({ kind: 'dns', where: 'login.example' });
    expect(again!.text).toContain('DNS did not answer in time');
  });

  test('a wrapped error (pipeline RestError with the request) is read through cause and request.url', () => {
    const inner = sysError('getaddrinfo ENOTFOUND', { code: 'ENOTFOUND' });
    const wrapped = Object.assign(new Error('request failed'), { cause: inner, request: { url: 'https://arm.nowhere.invalid:8443/subscriptions' } });
    expect(describeNetworkFailure(wrapped)).toMatchObject({ kind: 'dns', where: 'arm.nowhere.invalid' });
  });

  test('connection refused names host:port, from the error, its message or the URL (default port included)', () => {
    expect(describeNetworkFailure(sysError('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 }))!.text).toBe(
      'nothing accepted the connection to 127.0.0.1:9 (ECONNREFUSED)',
    );
    expect(describeNetworkFailure(sysError('connect ECONNREFUSED ::1:8080', { code: 'ECONNREFUSED', address: '::1', port: 8080 }))!.where).toBe('[::1]:8080');
    expect(describeNetworkFailure(sysError('refused', { code: 'ECONNREFUSED' }), 'https://mgmt.local/x')!.where).toBe('mgmt.local:443');
    expect(describeNetworkFailure(sysError('refused', { code: 'ECONNREFUSED' }), 'https://mgmt.local:4443/x')!.where).toBe('mgmt.local:4443');
  });

  test('a failure reaching the proxy itself (HTTPS_PROXY, ALL_PROXY…) says it was the proxy', () => {
    const env = { HTTPS_PROXY: 'http://127.0.0.1:3128' };
    const refused = describeNetworkFailure(sysError('connect ECONNREFUSED 127.0.0.1:3128', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 3128 }), 'https://login.example/t', env);
    expect(refused).toMatchObject({ kind: 'refused', proxy: 'HTTPS_PROXY', where: '127.0.0.1:3128' });
    expect(refused!.text).toBe('nothing accepted the connection to the proxy 127.0.0.1:3128 (HTTPS_PROXY) (ECONNREFUSED)');
    const dns = describeNetworkFailure(sysError('getaddrinfo ENOTFOUND proxy.corp.invalid', { code: 'ENOTFOUND', hostname: 'proxy.corp.invalid' }), undefined, { all_proxy: 'proxy.corp.invalid:8080' });
    expect(dns).toMatchObject({ kind: 'dns', proxy: 'all_proxy' });
    expect(dns!.text).toContain("'proxy.corp.invalid' (the proxy in all_proxy)");
    // Another host failing while a proxy is set is that host's failure; a proxy on its default port is matched too.
    expect(describeNetworkFailure(sysError('connect ECONNREFUSED 10.0.0.5:443', { code: 'ECONNREFUSED', address: '10.0.0.5', port: 443 }), undefined, env)!.proxy).toBeUndefined();
    expect(describeNetworkFailure(sysError('refused', { code: 'ECONNREFUSED', address: 'proxy.local', port: 80 }), undefined, { HTTP_PROXY: 'http://proxy.local' })!.proxy).toBe('HTTP_PROXY');
  });

  test('resets and timeouts are dropped/timeout; a code only in the message is found', () => {
    expect(describeNetworkFailure(sysError('socket hang up', { code: 'ECONNRESET' }), 'https://a.example/p')).toMatchObject({ kind: 'dropped', where: 'a.example' });
    expect(describeNetworkFailure(sysError('no response within 120s', { code: 'ETIMEDOUT' }))).toMatchObject({ kind: 'timeout' });
    expect(describeNetworkFailure(new Error('read ECONNRESET'))).toMatchObject({ kind: 'dropped', code: 'ECONNRESET' });
  });

  test('not a connection failure: HTTP-less errors without a code, aborts, non-objects', () => {
    expect(describeNetworkFailure(new Error('something else'))).toBeUndefined();
    expect(describeNetworkFailure(Object.assign(new Error('aborted ECONNRESET'), { name: 'AbortError' }))).toBeUndefined();
    expect(describeNetworkFailure('ENOTFOUND')).toBeUndefined();
    expect(describeNetworkFailure(undefined)).toBeUndefined();
  });
});
