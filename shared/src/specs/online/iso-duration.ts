/**
 * Durations as azure-ai-ml sends them: `isodate.duration_isoformat(timedelta(...))` (reference §0.8, §0.9). Zero
 * gives no value at all, as the SDK's helper returns None for a falsy input.
 */

/** ISO-8601 duration of a whole number of milliseconds: 500 → PT0.5S, 90000 → PT1M30S, 86400000 → P1D. */
export function msToIsoDuration(ms: number): string | undefined {
  if (!ms) return undefined;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not a non-negative whole number of milliseconds: ${ms}`);
  const days = Math.floor(ms / 86_400_000);
  let rest = ms % 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest %= 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest %= 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest % 1000;
  let out = 'P';
  if (days) out += `${days}D`;
  if (hours || minutes || seconds || millis) {
    out += 'T';
    if (hours) out += `${hours}H`;
    if (minutes) out += `${minutes}M`;
    if (seconds || millis) out += millis ? `${seconds}.${String(millis).padStart(3, '0').replace(/0+$/, '')}S` : `${seconds}S`;
  }
  return out;
}

/** ISO-8601 duration of whole seconds: 10 → PT10S, 60 → PT1M. */
export function secondsToIsoDuration(seconds: number): string | undefined {
  return msToIsoDuration(seconds * 1000);
}
