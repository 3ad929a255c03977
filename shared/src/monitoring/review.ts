/**
 * The review queue for models that are not retrained automatically (vision and language models): from what the
 * deployment's data collector recorded (JSON Lines records `{id, time, correlationid, data: [rows]}` in hour
 * folders `YYYY/MM/DD/HH/`), the outputs scored lowest on a column (a confidence), joined to their inputs by
 * correlation id and row, become the samples a person labels. Nothing here trusts the records: lines that do not
 * parse are counted and skipped, values are kept as data.
 */
import { inputError } from '../core/errors';

export type Row = Record<string, unknown>;

export interface CollectedRecord {
  id: string;
  time: string;
  correlationid?: string;
  data: Row[];
}

export interface ReviewRule {
  column: string;
  below: number;
  max: number;
}

export interface ReviewSample {
  correlationid?: string;
  time: string;
  score: number;
  outputs: Row;
  inputs?: Row;
}

/** `<column> < <value>`, e.g. `score < 0.5` or `confidence < 0.35`. */
export function parseReviewRule(text: string | undefined, max: number, input = 'review-score'): ReviewRule {
  const v = (text ?? 'score < 0.5').trim();
  const m = /^([A-Za-z_][\w.-]{0,127})\s*<\s*(-?\d+(?:\.\d+)?)$/.exec(v);
  if (!m) throw inputError(`Input '${input}': '${v}' is not '<output column> < <value>' (e.g. score < 0.5).`, { input });
  return { column: m[1]!, below: Number(m[2]), max };
}

/** Records of one collected JSON Lines file; `bad` counts the lines that are not a record. */
export function parseCollected(text: string): { records: CollectedRecord[]; bad: number } {
  const records: CollectedRecord[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as Record<string, unknown>;
      const data = Array.isArray(r.data) ? r.data.filter((x): x is Row => typeof x === 'object' && x !== null && !Array.isArray(x)) : undefined;
      if (!data || typeof r.id !== 'string') {
        bad += 1;
        continue;
      }
      records.push({ id: r.id, time: typeof r.time === 'string' ? r.time : '', ...(typeof r.correlationid === 'string' ? { correlationid: r.correlationid } : {}), data });
    } catch {
      bad += 1;
    }
  }
  return { records, bad };
}

const HOUR = /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/;

/** Files laid out by hour whose hour overlaps [from, to]. */
export function filesInWindow(files: readonly string[], from: number, to: number): string[] {
  return files.filter((f) => {
    const m = HOUR.exec(f);
    if (!m) return false;
    const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
    return start + 3600e3 > from && start <= to;
  });
}

/** The outputs scored lowest on the rule's column (below its value), at most `max`, each with its inputs. */
export function selectForReview(inputs: readonly CollectedRecord[], outputs: readonly CollectedRecord[], rule: ReviewRule): { samples: ReviewSample[]; scanned: number; scored: number } {
  const byCorrelation = new Map<string, CollectedRecord>();
  for (const r of inputs) if (r.correlationid) byCorrelation.set(r.correlationid, r);
  const picked: ReviewSample[] = [];
  let scanned = 0;
  let scored = 0;
  for (const r of outputs) {
    const ins = r.correlationid ? byCorrelation.get(r.correlationid) : undefined;
    r.data.forEach((row, i) => {
      scanned += 1;
      const score = row[rule.column];
      if (typeof score !== 'number' || !Number.isFinite(score)) return;
      scored += 1;
      if (score >= rule.below) return;
      const input = ins?.data[i];
      picked.push({ ...(r.correlationid ? { correlationid: r.correlationid } : {}), time: r.time, score, outputs: row, ...(input ? { inputs: input } : {}) });
    });
  }
  picked.sort((a, b) => a.score - b.score || a.time.localeCompare(b.time));
  return { samples: picked.slice(0, rule.max), scanned, scored };
}
