/** configure-monitors' summary: the verdict, what is monitored, each signal with its thresholds, when, where alerts go. */
import { code, facts, plainText, section, table } from '../../report/markdown';
import type { AlertsOutcome } from '../../monitoring/alerts/apply';
import type { EventsOutcome } from '../../monitoring/events/subscription';
import type { ScheduleBody } from '../../specs/monitor';

export interface ConfigureOutcome {
  result: 'configured' | 'unchanged' | 'dry-run';
  schedule: string;
  endpoint: string;
  deployment: string;
  why: string;
  body: ScheduleBody;
  existed: boolean;
  differences: string[];
  alerts?: AlertsOutcome;
  events?: EventsOutcome;
}

const HEADLINE: Record<ConfigureOutcome['result'], string> = {
  configured: '✅ Monitor configured',
  unchanged: '✅ Already configured: nothing to do',
  'dry-run': '📝 Dry run: nothing was written',
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

function triggerText(t: Json): string {
  const tz = t.timeZone ? ` (${String(t.timeZone)})` : '';
  if (String(t.triggerType).toLowerCase() === 'cron') return `cron ${code(String(t.expression ?? ''))}${tz}`;
  const s = obj(t.schedule);
  const at = Array.isArray(s.hours) && s.hours.length ? ` at ${(s.hours as number[]).map((h) => String(h).padStart(2, '0')).join(',')}:${String((s.minutes as number[] | undefined)?.[0] ?? 0).padStart(2, '0')}` : '';
  return `every ${String(t.interval ?? 1)} ${String(t.frequency ?? '').toLowerCase()}${at}${tz}`;
}

function dataText(d: unknown): string {
  const items = Array.isArray(d) ? d : [d];
  return items
    .map(obj)
    .filter((x) => x.uri)
    .map((x) => `${plainText(String(x.uri))}${x.windowSize ? ` (last ${plainText(String(x.windowSize))})` : ''}`)
    .join('; ');
}

function thresholdsText(s: Json): string {
  const list = Array.isArray(s.metricThresholds) ? s.metricThresholds : s.metricThreshold ? [s.metricThreshold] : [];
  return list
    .map(obj)
    .map((t) => `${t.dataType ? `${String(t.dataType)} ` : ''}${String(t.metric)} ${String(t.metric).match(/Test$|Gain$/) ? '<' : '>'} ${String(obj(t.threshold).value ?? '')}`)
    .map(plainText)
    .join('; ');
}

function alertsText(a: AlertsOutcome | undefined): string | undefined {
  if (!a) return undefined;
  const rows = a.ruleIds.map((id) => [code(id.slice(id.lastIndexOf('/') + 1))]);
  const changes = a.changes.map((c) => `- ${c.action} ${c.kind} ${code(c.name)}${c.differences.length ? `: ${c.differences.map(plainText).join('; ')}` : ''}`);
  return [
    `#### Infrastructure alerts\n\n${rows.length ? table(['Azure Monitor alert rule'], rows) : 'No alert rules.'}`,
    a.actionGroupId ? `Notifies action group ${code(a.actionGroupId.slice(a.actionGroupId.lastIndexOf('/') + 1))}.` : 'No action group: fired alerts show in Azure Monitor only (give alert-emails, alert-webhook or action-group).',
    changes.length ? changes.join('\n') : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function configureSummary(o: ConfigureOutcome): string {
  const p = obj(o.body.properties);
  const def = obj(obj(p.action).monitorDefinition);
  const signals = obj(def.signals);
  const compute = obj(def.computeConfiguration);
  const emails = (obj(obj(def.alertNotificationSettings).emailNotificationSettings).emails as string[] | undefined) ?? [];
  const rows = Object.entries(signals).map(([name, raw]) => {
    const s = obj(raw);
    return [plainText(name), plainText(String(s.signalType ?? '')), dataText(s.productionData), dataText(s.referenceData), thresholdsText(s)];
  });
  return section(
    `configure-monitors: ${HEADLINE[o.result]} — ${o.schedule}`,
    facts([
      ['Monitor', code(o.schedule)],
      ['Watches', `${code(o.deployment)} of ${code(o.endpoint)} (${plainText(o.why)})`],
      ['Runs', triggerText(obj(p.trigger))],
      ['Compute', compute.instanceType ? `serverless Spark ${plainText(String(compute.instanceType))}, runtime ${plainText(String(compute.runtimeVersion ?? ''))}` : undefined],
      ['Alerts go to', emails.length ? emails.map(plainText).join(', ') : 'the Azure ML studio only (no alert-emails)'],
    ]),
    rows.length ? `#### Signals\n\n${table(['Signal', 'Kind', 'Production data', 'Baseline', 'Breaches when'], rows)}` : undefined,
    o.differences.length ? `#### Changed\n\n${o.differences.map((d) => `- ${plainText(d)}`).join('\n')}` : undefined,
    alertsText(o.alerts),
    o.events
      ? `#### Breach events\n\nEvent Grid subscription ${code(o.events.name)} delivers monitor runs that breached a threshold to ${code(o.events.deliversTo)}` +
          `${o.events.change ? ` (${o.result === 'dry-run' ? `would ${o.events.change.action}` : `${o.events.change.action}d`}${o.events.change.differences.length ? `: ${o.events.change.differences.map(plainText).join('; ')}` : ''})` : ' (unchanged)'}.`
      : undefined,
  );
}
