/**
 * Reading a monitor run's verdict. A monitor run that breached a threshold fails and carries the run tag
 * `azureml_modelmonitor_threshold_breached`: per breached signal, "The signal '<name>' has failed due to one or
 * more features violating metric thresholds." and the violating rows as JSON (feature `group`, `metric_name`,
 * `metric_value`, `threshold_value`). This parses that text without trusting it: rows that do not parse are kept
 * as text, and nothing in it is ever executed or echoed unescaped.
 */

export const BREACH_TAG = 'azureml_modelmonitor_threshold_breached';
export const BREACH_PHRASE = 'has failed due to one or more features violating metric thresholds';

export interface BreachRow {
  feature: string;
  metric: string;
  value: number;
  threshold: number;
}

export interface SignalBreach {
  signal: string;
  rows: BreachRow[];
  /** Text of the part that did not parse as rows (bounded) */
  unparsed?: string;
}

const SIGNAL = /The signal '([^']{1,256})' has failed due to one or more features violating metric thresholds\.?/g;

function rowsOf(text: string): { rows: BreachRow[]; unparsed?: string } {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start < 0 || end <= start) return text.trim() ? { rows: [], unparsed: text.trim().slice(0, 500) } : { rows: [] };
  let items: unknown;
  try {
    items = JSON.parse(text.slice(start, end + 1));
  } catch {
    return { rows: [], unparsed: text.slice(start, end + 1).slice(0, 500) };
  }
  const rows: BreachRow[] = [];
  for (const raw of Array.isArray(items) ? items : []) {
    let o: unknown = raw;
    if (typeof raw === 'string') {
      try {
        o = JSON.parse(raw); // Spark's toJSON().collect() gives one JSON string per row
      } catch {
        continue;
      }
    }
    const r = o as Record<string, unknown>;
    const value = Number(r?.metric_value);
    const threshold = Number(r?.threshold_value);
    if (typeof r?.metric_name !== 'string' || !Number.isFinite(value)) continue;
    rows.push({ feature: String(r.group ?? r.feature_name ?? ''), metric: r.metric_name, value, threshold });
  }
  return { rows };
}

/** The breached signals a tag value names (empty for a tag without the phrase). */
export function parseBreachTag(text: string | undefined): SignalBreach[] {
  if (!text) return [];
  const marks = [...text.matchAll(SIGNAL)];
  return marks.map((m, i) => {
    const from = m.index! + m[0].length;
    const to = i + 1 < marks.length ? marks[i + 1]!.index! : text.length;
    return { signal: m[1]!, ...rowsOf(text.slice(from, to)) };
  });
}
