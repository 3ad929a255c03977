/** How durations are shown in messages: "1m05s", "4s", and below a second "250 ms" (a 1 ms timeout is not "0s"). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : formatElapsed(ms);
}
