/**
 * The staging-checks end-to-end data: applicants drawn from a seeded generator, labels drawn from the champion's own
 * logistic model (so the champion is calibrated and a worse challenger is measurably worse), and the model weights
 * the fixture score.py reads from each registered model's model.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FEATURES = ['income_k', 'debt_ratio', 'age', 'late_payments', 'region_code', 'sex_code'] as const;

export interface Weights {
  intercept: number;
  coefficients: number[];
}

export const CHAMPION: Weights = { intercept: -1.0, coefficients: [-0.03, 2.5, -0.02, 0.6, 0, 0] };
/** Nearly the champion: passes non-inferiority. */
export const CHALLENGER: Weights = { intercept: -1.02, coefficients: [-0.029, 2.45, -0.02, 0.61, 0, 0] };
/** Shifts every score in region us up: many more predicted defaults there, the same elsewhere. */
export const SLICED: Weights = { intercept: -1.0, coefficients: [-0.03, 2.5, -0.02, 0.6, 1.0, 0] };
/** Scores women higher: a demographic parity gap. */
export const UNFAIR: Weights = { intercept: -1.0, coefficients: [-0.03, 2.5, -0.02, 0.6, 0, 2.0] };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export const sigmoid = (w: Weights, row: readonly number[]): number => 1 / (1 + Math.exp(-(w.intercept + w.coefficients.reduce((s, c, i) => s + c * row[i]!, 0))));

interface Applicant {
  features: number[];
  region: string;
  sex: string;
  label: number;
}

function applicants(n: number, seed: number, shift = 0): Applicant[] {
  const r = mulberry32(seed);
  const out: Applicant[] = [];
  for (let i = 0; i < n; i++) {
    const income = Math.max(5, Math.round((50 + shift * 25 + 15 * normal(r)) * 10) / 10);
    const debt = Math.round(Math.min(1, Math.max(0, r() * (1 - shift * 0.5) + shift * 0.5)) * 1000) / 1000;
    const age = 21 + Math.floor(r() * 50);
    const late = Math.min(5, Math.floor(-Math.log(1 - r()) * 0.8));
    const us = r() < 0.3 ? 1 : 0;
    const female = r() < 0.5 ? 1 : 0;
    const features = [income, debt, age, late, us, female];
    out.push({ features, region: us ? 'us' : 'eu', sex: female ? 'F' : 'M', label: r() < sigmoid(CHAMPION, features) ? 1 : 0 });
  }
  return out;
}

const csv = (rows: Applicant[], withLabels: boolean): string =>
  [
    [...FEATURES, 'region', 'sex', ...(withLabels ? ['default'] : [])].join(','),
    ...rows.map((a) => [...a.features, a.region, a.sex, ...(withLabels ? [a.label] : [])].join(',')),
  ].join('\n') + '\n';

/** Writes train.csv, staging.csv (the same population), shifted.csv (richer, more indebted) and eval.csv (labelled). */
export function writeStagingData(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train.csv'), csv(applicants(2000, 11), true));
  writeFileSync(join(dir, 'staging.csv'), csv(applicants(500, 12), false));
  writeFileSync(join(dir, 'shifted.csv'), csv(applicants(500, 13, 1), false));
  writeFileSync(join(dir, 'eval.csv'), csv(applicants(800, 14), true));
}

/** A model folder the fixture score.py loads: <dir>/<name>/model.json. */
export function writeModel(dir: string, name: string, w: Weights): string {
  const folder = join(dir, name, 'credit-scorer');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.json'), JSON.stringify(w));
  return folder;
}
