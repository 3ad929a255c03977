/** Figures for people, the same on every machine (no locale): counts with thousands separators, seconds. */
import { formatElapsed } from '../../core/duration';

/** 1234567 → "1,234,567"; a fraction keeps its digits ("1,234.5"); NaN and ±Infinity as "NaN", "∞", "-∞". */
export function formatCount(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const [int, frac] = String(Math.abs(n)).split('.');
  if (/e/i.test(int!)) return String(n); // 1e21 and up: digits grouping would mislead
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** Below a minute "12.3 s", then "2m05s". */
export function formatSeconds(ms: number): string {
  const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
  return v < 59_950 ? `${(v / 1000).toFixed(1)} s` : formatElapsed(v);
}
