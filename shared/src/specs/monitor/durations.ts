/**
 * Monitoring window durations: parsing the ISO-8601 day/time durations the contract takes (plus weeks, which
 * some YAML carries) and the canonical spelling the service stores (`PT168H` and `P1W` are both `P7D`; zero is
 * `P0D`), so that desired and live windows compare by value (azureml-observed-behaviour: normalisation).
 */
import { msToIsoDuration } from '../online/iso-duration';

const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** The milliseconds of an ISO-8601 duration (weeks, days, hours, minutes, seconds), or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim().toUpperCase());
  if (!m) return undefined;
  const [w, d, h, min, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return Math.round((((w * 7 + d) * 24 + h) * 60 + min) * 60_000 + s * 1000);
}

/** The canonical spelling of a duration (`P7D`, `PT12H`, `P1DT6H`, zero `P0D`); other text unchanged. */
export function canonicalDuration(text: string): string {
  const ms = durationMs(text);
  if (ms === undefined) return text;
  return msToIsoDuration(ms) ?? 'P0D';
}

/** `P{n}D`. */
export function days(n: number): string {
  return `P${n}D`;
}

/**
 * The production and reference look-back windows the SDK derives from the trigger (azml-yaml-to-rest §5.2): a
 * monitor that runs every i days looks at the last i days against the i days before; cron defaults to a week.
 */
export function defaultWindows(trigger: { kind: 'recurrence'; frequency: string; interval: number } | { kind: 'cron' }): { production: string; reference: string } {
  if (trigger.kind === 'cron') return { production: days(7), reference: days(14) };
  const i = trigger.interval;
  switch (trigger.frequency) {
    case 'Day':
      return { production: days(i), reference: days(2 * i) };
    case 'Week':
      return { production: days(7 * i), reference: days(14 * i) };
    case 'Month':
      return { production: days(30 * i), reference: days(60 * i) };
    default:
      return { production: days(1), reference: days(2) };
  }
}
