/**
 * What the emulator's Azure Load Testing runs: the subset of JMeter plans staging-checks generates
 * (shared/src/loadtesting/jmx.ts): one ThreadGroup (threads, ramp-up, scheduler duration, loops forever) holding an
 * optional HeaderManager and HTTPSamplerProxy samplers with a raw body. Anything else fails the file's validation
 * with a message naming what the emulator does not run.
 */
import { parseXml, type XmlElement } from './xml';

export interface JmxSampler {
  url: string;
  method: string;
  body: string;
  timeoutMs: number;
}

export interface JmxRunPlan {
  threads: number;
  rampUpS: number;
  /** The scheduler's duration (ramp-up included), seconds */
  durationS: number;
  headers: Record<string, string>;
  samplers: JmxSampler[];
}

export type JmxRead = { ok: true; plan: JmxRunPlan } | { ok: false; message: string };

const PROPS = new Set(['stringProp', 'boolProp', 'intProp', 'longProp', 'elementProp', 'collectionProp']);
const SUPPORTED = 'the emulator runs JMeter plans of one ThreadGroup with a HeaderManager and HTTPSamplerProxy samplers (what staging-checks generates)';

class Refused extends Error {}
const refuse = (why: string): never => {
  throw new Refused(why);
};

function props(el: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of el.children) if (c.name !== 'elementProp' && c.name !== 'collectionProp' && PROPS.has(c.name)) out.set(c.attrs.name ?? '', c.text);
  return out;
}

function child(el: XmlElement, name: string, propName?: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name && (propName === undefined || c.attrs.name === propName));
}

function int(v: string | undefined, what: string, min: number): number {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return refuse(`${what} must be a whole number, not '${v ?? ''}' (variables and functions are not evaluated)`);
  const n = Number(v.trim());
  if (n < min) refuse(`${what} must be at least ${min}, not ${n}`);
  return n;
}

/** The element pairs of a hashTree: each element followed by its own hashTree. */
function pairs(tree: XmlElement): [XmlElement, XmlElement][] {
  const out: [XmlElement, XmlElement][] = [];
  const kids = tree.children;
  for (let i = 0; i < kids.length; i += 2) {
    const el = kids[i]!;
    const sub = kids[i + 1];
    if (!sub || sub.name !== 'hashTree') refuse(`<${el.name}> is not followed by its <hashTree>`);
    if (el.attrs.enabled === 'false') continue;
    out.push([el, sub!]);
  }
  return out;
}

function readThreadGroup(tg: XmlElement): Pick<JmxRunPlan, 'threads' | 'rampUpS' | 'durationS'> {
  const p = props(tg);
  const loop = child(tg, 'elementProp', 'ThreadGroup.main_controller');
  const loops = loop ? props(loop).get('LoopController.loops') : undefined;
  if (loops !== undefined && loops.trim() !== '-1') refuse(`ThreadGroup loops ${loops}: only loops -1 with the scheduler's duration is run`);
  if (p.get('ThreadGroup.scheduler') !== 'true') refuse('the ThreadGroup must use the scheduler (ThreadGroup.scheduler true, with ThreadGroup.duration)');
  return { threads: int(p.get('ThreadGroup.num_threads'), 'ThreadGroup.num_threads', 1), rampUpS: int(p.get('ThreadGroup.ramp_time') ?? '0', 'ThreadGroup.ramp_time', 0), durationS: int(p.get('ThreadGroup.duration'), 'ThreadGroup.duration', 1) };
}

function readHeaders(hm: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of child(hm, 'collectionProp', 'HeaderManager.headers')?.children ?? []) {
    const p = props(h);
    const name = p.get('Header.name');
    if (!name) refuse('a HeaderManager header has no Header.name');
    out[name!] = p.get('Header.value') ?? '';
  }
  return out;
}

function readSampler(s: XmlElement): JmxSampler {
  const p = props(s);
  if (p.get('HTTPSampler.postBodyRaw') !== 'true') refuse(`sampler '${s.attrs.testname ?? ''}': only raw bodies (HTTPSampler.postBodyRaw true) are sent`);
  const args = child(s, 'elementProp', 'HTTPsampler.Arguments');
  const items = args ? (child(args, 'collectionProp', 'Arguments.arguments')?.children ?? []) : [];
  if (items.length !== 1) refuse(`sampler '${s.attrs.testname ?? ''}': one raw body argument is expected, found ${items.length}`);
  const body = props(items[0]!).get('Argument.value') ?? '';
  const protocol = (p.get('HTTPSampler.protocol') ?? 'https').toLowerCase();
  if (protocol !== 'https' && protocol !== 'http') refuse(`sampler '${s.attrs.testname ?? ''}': protocol '${protocol}' is not run`);
  const domain = p.get('HTTPSampler.domain');
  if (!domain) refuse(`sampler '${s.attrs.testname ?? ''}' has no HTTPSampler.domain`);
  const port = p.get('HTTPSampler.port')?.trim();
  let url: string;
  try {
    url = new URL(`${protocol}://${domain}${port ? `:${port}` : ''}${p.get('HTTPSampler.path') ?? '/'}`).toString();
  } catch {
    return refuse(`sampler '${s.attrs.testname ?? ''}': not a URL (${domain})`);
  }
  if (/\$\{/.test(url) || /\$\{/.test(body)) refuse(`sampler '${s.attrs.testname ?? ''}': variables and functions in the URL or body are not evaluated by the emulator`);
  const timeout = p.get('HTTPSampler.response_timeout');
  return { url, method: (p.get('HTTPSampler.method') ?? 'GET').toUpperCase(), body, timeoutMs: timeout ? int(timeout, 'HTTPSampler.response_timeout', 1) : 60_000 };
}

export function readJmx(text: string): JmxRead {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    return { ok: false, message: `The JMX file is not well-formed XML: ${(e as Error).message}.` };
  }
  try {
    if (root.name !== 'jmeterTestPlan') refuse(`the root element is <${root.name}>, not <jmeterTestPlan>`);
    const top = child(root, 'hashTree') ?? refuse('no <hashTree> under <jmeterTestPlan>');
    const [plan, ...others] = pairs(top);
    if (!plan || plan[0].name !== 'TestPlan' || others.length > 0) refuse('exactly one <TestPlan> is expected');
    const groups = pairs(plan![1]);
    for (const [el] of groups) if (el.name !== 'ThreadGroup') refuse(`${SUPPORTED}; it does not run <${el.name}>`);
    if (groups.length !== 1) refuse(`exactly one enabled ThreadGroup is expected, found ${groups.length}`);
    const [tg, tree] = groups[0]!;
    let headers: Record<string, string> = {};
    const samplers: JmxSampler[] = [];
    for (const [el, sub] of pairs(tree)) {
      if (sub.children.length > 0) refuse(`<${el.name}> '${el.attrs.testname ?? ''}' has children: ${SUPPORTED}`);
      if (el.name === 'HeaderManager') headers = { ...headers, ...readHeaders(el) };
      else if (el.name === 'HTTPSamplerProxy') samplers.push(readSampler(el));
      else refuse(`${SUPPORTED}; it does not run <${el.name}>`);
    }
    if (samplers.length === 0) refuse('the ThreadGroup has no HTTPSamplerProxy');
    const first = samplers[0]!;
    if (samplers.some((s) => s.url !== first.url || s.method !== first.method)) refuse('every sampler must send to the same URL with the same method (the emulator drives one target)');
    return { ok: true, plan: { ...readThreadGroup(tg), headers, samplers } };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, message: `The emulator cannot run this JMX file: ${e.message}.` };
    throw e;
  }
}
