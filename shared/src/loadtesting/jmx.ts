/**
 * The JMeter plan a load check runs as on Azure Load Testing: one thread group of `threads` threads (on each engine
 * instance), ramped up over `rampUpS` and running `durationS` by the scheduler, looping over one HTTP sampler a
 * request body (thread i's n-th request is body n mod count, as the local engine sends them in turn), each POSTing
 * to the scoring URI with the content type, the policy's headers, `azureml-model-deployment` and
 * `Authorization: Bearer ${__GetSecret(<secret>)}` (the test's secret: the key never appears in the plan).
 * The emulator's reader (shared/emulator/src/loadtesting/jmx-read.ts) accepts exactly this shape.
 */

export interface JmxPlan {
  /** The test plan's name (the check's) */
  name: string;
  /** The scoring URI (https) */
  url: string;
  deployment: string;
  /** Extra headers, names as written; content-type defaults to application/json */
  headers: Record<string, string>;
  /** The bodies, sent in turn (at least one) */
  bodies: string[];
  threads: number;
  rampUpS: number;
  durationS: number;
  /** Response timeout of each request */
  timeoutMs: number;
  /** The test secret holding the endpoint key or token */
  secretName: string;
}

export const JMX_FILE_NAME = 'staging-checks.jmx';
export const ENDPOINT_SECRET_NAME = 'endpoint-credential';

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const prop = (kind: 'stringProp' | 'boolProp' | 'intProp', name: string, value: string | number | boolean) => `<${kind} name="${name}">${xmlEscape(String(value))}</${kind}>`;

function header(name: string, value: string): string {
  return `<elementProp name="${xmlEscape(name)}" elementType="Header">${prop('stringProp', 'Header.name', name)}${prop('stringProp', 'Header.value', value)}</elementProp>`;
}

function sampler(index: number, url: URL, body: string, timeoutMs: number): string[] {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return [
    `      <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="request ${index + 1}" enabled="true">`,
    `        ${prop('boolProp', 'HTTPSampler.postBodyRaw', true)}`,
    `        <elementProp name="HTTPsampler.Arguments" elementType="Arguments"><collectionProp name="Arguments.arguments"><elementProp name="" elementType="HTTPArgument">${prop('boolProp', 'HTTPArgument.always_encode', false)}${prop('stringProp', 'Argument.value', body)}${prop('stringProp', 'Argument.metadata', '=')}</elementProp></collectionProp></elementProp>`,
    `        ${prop('stringProp', 'HTTPSampler.domain', url.hostname)}`,
    `        ${prop('stringProp', 'HTTPSampler.port', port)}`,
    `        ${prop('stringProp', 'HTTPSampler.protocol', url.protocol.replace(':', ''))}`,
    `        ${prop('stringProp', 'HTTPSampler.path', `${url.pathname}${url.search}`)}`,
    `        ${prop('stringProp', 'HTTPSampler.method', 'POST')}`,
    `        ${prop('boolProp', 'HTTPSampler.use_keepalive', true)}`,
    `        ${prop('stringProp', 'HTTPSampler.connect_timeout', timeoutMs)}`,
    `        ${prop('stringProp', 'HTTPSampler.response_timeout', timeoutMs)}`,
    '      </HTTPSamplerProxy>',
    '      <hashTree/>',
  ];
}

export function buildJmx(p: JmxPlan): string {
  if (p.bodies.length === 0) throw new Error('a JMeter plan needs at least one request body');
  const url = new URL(p.url);
  const headers: [string, string][] = Object.entries(p.headers);
  if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.unshift(['Content-Type', 'application/json']);
  headers.push(['azureml-model-deployment', p.deployment], ['Authorization', `Bearer \${__GetSecret(${p.secretName})}`]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.5">',
    '  <hashTree>',
    `    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="${xmlEscape(p.name)}" enabled="true">`,
    `      ${prop('boolProp', 'TestPlan.functional_mode', false)}`,
    '      <elementProp name="TestPlan.user_defined_variables" elementType="Arguments"><collectionProp name="Arguments.arguments"/></elementProp>',
    '    </TestPlan>',
    '    <hashTree>',
    '      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="clients" enabled="true">',
    `        ${prop('stringProp', 'ThreadGroup.on_sample_error', 'continue')}`,
    `        <elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController">${prop('boolProp', 'LoopController.continue_forever', false)}${prop('intProp', 'LoopController.loops', -1)}</elementProp>`,
    `        ${prop('stringProp', 'ThreadGroup.num_threads', p.threads)}`,
    `        ${prop('stringProp', 'ThreadGroup.ramp_time', p.rampUpS)}`,
    `        ${prop('boolProp', 'ThreadGroup.scheduler', true)}`,
    `        ${prop('stringProp', 'ThreadGroup.duration', p.rampUpS + p.durationS)}`,
    `        ${prop('stringProp', 'ThreadGroup.delay', 0)}`,
    '      </ThreadGroup>',
    '      <hashTree>',
    '      <HeaderManager guiclass="HeaderPanel" testclass="HeaderManager" testname="headers" enabled="true">',
    `        <collectionProp name="HeaderManager.headers">${headers.map(([k, v]) => header(k, v)).join('')}</collectionProp>`,
    '      </HeaderManager>',
    '      <hashTree/>',
    ...p.bodies.flatMap((b, i) => sampler(i, url, b, p.timeoutMs)),
    '      </hashTree>',
    '    </hashTree>',
    '  </hashTree>',
    '</jmeterTestPlan>',
    '',
  ].join('\n');
}
