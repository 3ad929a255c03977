/**
 * The staging-checks tests' data: applicants with six model inputs (two of them codes for region and sex, so a model
 * can be made unfair or worse on one region), and the model weights the fixture score.py reads from model.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normal, writeSample, type Population, type Weights } from '../../shared/cli/staging-data';

export { sigmoid, type Weights } from '../../shared/cli/staging-data';

export const FEATURES = ['income_k', 'debt_ratio', 'age', 'late_payments', 'region_code', 'sex_code'] as const;

export const CHAMPION: Weights = { intercept: -1.0, coefficients: [-0.03, 2.5, -0.02, 0.6, 0, 0] };
/** Nearly the champion: passes non-inferiority. */
export const CHALLENGER: Weights = { intercept: -1.02, coefficients: [-0.029, 2.45, -0.02, 0.61, 0, 0] };
/** Shifts every score in region us up: more predicted defaults there (accuracy −0.07 in us, −0.02 overall). */
export const SLICED: Weights = { intercept: -1.0, coefficients: [-0.03, 2.5, -0.02, 0.6, 1.0, 0] };
/** Scores women higher: a demographic parity gap. */
export const UNFAIR: Weights = { intercept: -1.0, coefficients: [-0.03, 2.5, -0.02, 0.6, 0, 2.0] };

const APPLICANTS: Population = {
  features: FEATURES,
  extra: ['region', 'sex'],
  labeller: CHAMPION,
  draw(r, shift) {
    const income = Math.max(5, Math.round((50 + shift * 25 + 15 * normal(r)) * 10) / 10);
    const debt = Math.round(Math.min(1, Math.max(0, r() * (1 - shift * 0.5) + shift * 0.5)) * 1000) / 1000;
    const age = 21 + Math.floor(r() * 50);
    const late = Math.min(5, Math.floor(-Math.log(1 - r()) * 0.8));
    const us = r() < 0.3 ? 1 : 0;
    const female = r() < 0.5 ? 1 : 0;
    return { features: [income, debt, age, late, us, female], extra: [us ? 'us' : 'eu', female ? 'F' : 'M'] };
  },
};

/** Writes train.csv, staging.csv (the same population), shifted.csv (richer, more indebted) and eval.csv (labelled). */
export function writeStagingData(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeSample(join(dir, 'train.csv'), APPLICANTS, { rows: 2000, seed: 11, labels: true });
  writeSample(join(dir, 'staging.csv'), APPLICANTS, { rows: 500, seed: 12 });
  writeSample(join(dir, 'shifted.csv'), APPLICANTS, { rows: 500, seed: 13, shift: 1 });
  writeSample(join(dir, 'eval.csv'), APPLICANTS, { rows: 800, seed: 14, labels: true });
}

/** A model folder the fixture score.py loads: <dir>/<name>/credit-scorer/model.json. */
export function writeModel(dir: string, name: string, w: Weights): string {
  const folder = join(dir, name, 'credit-scorer');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.json'), JSON.stringify(w));
  return folder;
}
