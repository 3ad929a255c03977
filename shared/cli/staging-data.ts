/**
 * Sample data for staging checks (the demo's and the end-to-end tests'): applicants drawn from a seeded generator,
 * each labelled by a logistic model's own probability, so that model is calibrated on it and a worse one is
 * measurably worse. Populations say how each column is drawn.
 */
import { writeFileSync } from 'node:fs';
import { seededRandom } from '../emulator/src/scoring/behaviour';

export interface Weights {
  intercept: number;
  coefficients: number[];
}

export const sigmoid = (w: Weights, row: readonly number[]): number => 1 / (1 + Math.exp(-(w.intercept + w.coefficients.reduce((s, c, i) => s + c * row[i]!, 0))));

/** mulberry32 (the emulator's seeded generator): the same sequence on every machine. */
export const seeded = seededRandom;

export const normal = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

export interface Population {
  /** The model inputs, in the order the model takes them */
  features: readonly string[];
  /** Columns beside the features (region, sex…), not sent to the model */
  extra: readonly string[];
  /** One applicant: its feature values and extra cells */
  draw(r: () => number, shift: number): { features: number[]; extra: string[] };
  /** Labels come from this model's probability */
  labeller: Weights;
}

export interface SampleOptions {
  rows: number;
  seed: number;
  /** 0: the training population; 1: a shifted one (the population decides how) */
  shift?: number;
  /** Write the `default` label column */
  labels?: boolean;
}

export function writeSample(file: string, p: Population, o: SampleOptions): void {
  const r = seeded(o.seed);
  const lines = [[...p.features, ...p.extra, ...(o.labels ? ['default'] : [])].join(',')];
  for (let i = 0; i < o.rows; i++) {
    const a = p.draw(r, o.shift ?? 0);
    const label = r() < sigmoid(p.labeller, a.features) ? 1 : 0;
    lines.push([...a.features, ...a.extra, ...(o.labels ? [label] : [])].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}
