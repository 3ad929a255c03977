/** The Azure DevOps agent's proxy setting turned into HTTPS_PROXY / NO_PROXY (shared/src/hosts/ado-agent-proxy.ts). */
import { agentProxyEnv, bypassHost } from '../../../shared/src/hosts/ado-agent-proxy';
import { proxyAgentFor, proxyFor } from '../../../shared/src/core/proxy-agent';

describe('bypassHost', () => {
  test.each([
    ['contoso\\.com', '.contoso.com'],
    ['.*\\.corp\\.contoso\\.com', '.corp.contoso.com'],
    ['^https?://build\\.contoso\\.com', '.build.contoso.com'],
    ['https://vault\\.contoso\\.com/.*', '.vault.contoso.com'],
    ['\\.internal\\.example\\.org$', '.internal.example.org'],
    ['localhost:8080', '.localhost'],
  ])('%s names a host: %s', (pattern, entry) => expect(bypassHost(pattern)).toBe(entry));

  test.each([['.*'], ['(a|b)\\.contoso\\.com'], ['contoso\\.com/path/[0-9]+'], ['10\\.0\\.[0-9]+\\.[0-9]+'], ['']])('%s does not', (pattern) => {
    expect(bypassHost(pattern)).toBeUndefined();
  });
});

describe('agentProxyEnv', () => {
  test('no setting, nothing set', () => {
    expect(agentProxyEnv(undefined, {})).toEqual({ set: {}, secrets: [], unconverted: [] });
  });

  test('the URL with its credentials becomes HTTPS_PROXY (both masked); host-like bypass entries join NO_PROXY', () => {
    const r = agentProxyEnv({ url: 'http://proxy.corp:3128', username: 'build svc', password: 'p@ss:word', bypassList: '["contoso\\\\.com", "(a|b)\\\\.x"]' }, { NO_PROXY: 'localhost' });
    expect(r.set.HTTPS_PROXY).toBe('http://build%20svc:p%40ss%3Aword@proxy.corp:3128/');
    expect(r.set.NO_PROXY).toBe('localhost,.contoso.com');
    expect(r.secrets).toEqual(expect.arrayContaining(['p@ss:word', 'http://build%20svc:p%40ss%3Aword@proxy.corp:3128/']));
    expect(r.unconverted).toEqual(['(a|b)\\.x']);
    // The SDK's rules, as proxyFor applies them: the bypassed host goes direct, others through the proxy.
    const env = { ...r.set };
    expect(proxyFor(new URL('https://api.contoso.com/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://management.azure.com/'), env)).toEqual({ proxy: r.set.HTTPS_PROXY, variable: 'HTTPS_PROXY' });
  });

  test("a task's own HTTPS_PROXY wins, and a setting that is not a URL is not used", () => {
    expect(agentProxyEnv({ url: 'http://proxy:1' }, { HTTPS_PROXY: 'http://mine:2' })).toMatchObject({ set: {}, skipped: expect.stringMatching(/HTTPS_PROXY/) });
    expect(agentProxyEnv({ url: 'http://proxy:1' }, { ALL_PROXY: 'http://mine:2' })).toMatchObject({ set: {}, skipped: expect.stringMatching(/ALL_PROXY/) });
    expect(agentProxyEnv({ url: 'not a url' }, {})).toMatchObject({ set: {}, skipped: 'Agent.ProxyUrl is not a URL' });
    expect(agentProxyEnv({ url: 'socks5://proxy:1080' }, {})).toMatchObject({ set: {}, skipped: expect.stringMatching(/http or https/) });
  });

  test('a bypass list that is not JSON is reported, and the proxy still applies', () => {
    const r = agentProxyEnv({ url: 'http://proxy:3128', bypassList: 'contoso.com' }, {});
    expect(r.set).toEqual({ HTTPS_PROXY: 'http://proxy:3128/' });
    expect(r.unconverted).toEqual(['Agent.ProxyBypassList (not a JSON array)']);
  });
});

describe('proxyFor (NO_PROXY as @azure/core-rest-pipeline reads it)', () => {
  const env = { https_proxy: 'http://p:1', no_proxy: 'exact.example, .suffix.example' };
  test.each([
    ['https://exact.example/', undefined],
    ['https://sub.exact.example/', 'http://p:1'],
    ['https://suffix.example/', undefined],
    ['https://a.b.suffix.example/', undefined],
    ['https://other.example/', 'http://p:1'],
  ])('%s → %s', (url, proxy) => expect(proxyFor(new URL(url), env)?.proxy).toBe(proxy));
  test('* bypasses everything; no variable, no proxy', () => {
    expect(proxyFor(new URL('https://x.example/'), { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
    expect(proxyFor(new URL('https://x.example/'), {})).toBeUndefined();
  });
});

describe('proxyAgentFor', () => {
  test('a proxy variable that is not a URL is an input error naming it; a bypassed host gets no agent', () => {
    expect(() => proxyAgentFor(new URL('https://x.example/'), { HTTPS_PROXY: 'not a url' })).toThrow(/HTTPS_PROXY is not a URL/);
    expect(proxyAgentFor(new URL('https://x.example/'), { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.example' })).toBeUndefined();
    expect(proxyAgentFor(new URL('https://x.example/'), { HTTPS_PROXY: 'http://p:1' })).toBeDefined();
  });
});
