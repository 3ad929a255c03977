/**
 * Regression metrics with scikit-learn's definitions, optionally weighted:
 * MAE = Σw|y−ŷ|/Σw, MSE = Σw(y−ŷ)²/Σw, RMSE = √MSE, R² = 1 − Σw(y−ŷ)²/Σw(y−ȳ)² with ȳ the weighted mean.
 * R² follows `force_finite=True`: constant truth gives 1 for a perfect prediction and 0 otherwise; fewer than two
 * rows give NaN (scikit-learn warns and returns NaN).
 */
import { inputError } from '../../core/errors';
import { checkWeights, sameLength, type Weights } from './labels';

export function checkNumbers(values: ArrayLike<number>, what: string, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw inputError(`${what}: ${name} ${i} is ${String(values[i])}; expected a finite number`);
  }
}

function check(what: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  const n = sameLength(what, yTrue, yPred);
  checkWeights(weights, n, what);
  checkNumbers(yTrue, what, 'label');
  checkNumbers(yPred, what, 'prediction');
  return n;
}

const abs = Math.abs; // bound once for the loop (see prng.ts)

export function maeOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i]! : 1;
    sum += w * abs(yTrue[i]! - yPred[i]!);
    total += w;
  }
  return total === 0 ? Number.NaN : sum / total;
}

export function mseOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i]! : 1;
    const d = yTrue[i]! - yPred[i]!;
    sum += w * d * d;
    total += w;
  }
  return total === 0 ? Number.NaN : sum / total;
}

export function r2Of(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  let total = 0;
  let mean = 0;
  let rows = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i]! : 1;
    if (w > 0) rows++;
    total += w;
    mean += w * yTrue[i]!;
  }
  if (rows < 2 || total === 0) return Number.NaN;
  mean /= total;
  let residual = 0;
  let spread = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i]! : 1;
    const d = yTrue[i]! - yPred[i]!;
    const e = yTrue[i]! - mean;
    residual += w * d * d;
    spread += w * e * e;
  }
  if (spread === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / spread;
}

export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  check('mae', yTrue, yPred, weights);
  return maeOf(yTrue, yPred, weights);
}

export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  check('mse', yTrue, yPred, weights);
  return mseOf(yTrue, yPred, weights);
}

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  check('rmse', yTrue, yPred, weights);
  return Math.sqrt(mseOf(yTrue, yPred, weights));
}

export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: Weights): number {
  check('r2', yTrue, yPred, weights);
  return r2Of(yTrue, yPred, weights);
}
