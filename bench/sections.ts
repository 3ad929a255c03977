/**
 * BENCH_ONLY: which numbered sections of `npm run bench` to run, e.g. `BENCH_ONLY=1,5` (start-up and loaded JS,
 * bundle sizes) or `BENCH_ONLY=1-2`. Unset or empty: all of them. Pure, so it is unit-tested.
 */
export const SECTION_COUNT = 9;

export function parseSections(raw: string | undefined, count = SECTION_COUNT): Set<number> {
  const all = new Set(Array.from({ length: count }, (_, i) => i + 1));
  if (raw === undefined || raw.trim() === '') return all;
  const chosen = new Set<number>();
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!m || from < 1 || to > count || from > to) {
      throw new Error(`BENCH_ONLY must list sections 1-${count}, e.g. 1,5 or 1-3 (got '${raw}')`);
    }
    for (let n = from; n <= to; n++) chosen.add(n);
  }
  return chosen;
}
