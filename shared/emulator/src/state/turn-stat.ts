/**
 * A file's stat taken at most once per turn of the event loop, for what a request looks at when it starts (the
 * state file, a deployment's runtime record, the test behaviour): under load many requests start in one turn and
 * they share the stat, so the cached parse behind it is checked once instead of once per request.
 *
 * Still exact across processes: the requests a turn starts are those whose bytes had arrived when the turn's poll
 * for I/O returned, and a stat taken after that (while the turn serves them) sees every write another process
 * finished before any of those requests was sent. So a client that changed something through another emulator
 * process (a control route, an ARM write) and then sends a request is answered from the changed file. The cache
 * is emptied when the turn ends (setImmediate runs after the poll phase) and a file is forgotten as soon as this
 * process writes it (`forgetStat`). Only the synchronous start of a request handler may use it: code that runs
 * from a timer would share a stat taken before the poll it precedes.
 */
import { statSync, type Stats } from 'node:fs';

const seen = new Map<string, Stats | undefined>();
let armed = false;

function endTurn(): void {
  armed = false;
  seen.clear();
}

/** `statSync(path)` (undefined when the file does not exist), shared by every request started in this turn. */
export function statThisTurn(path: string): Stats | undefined {
  if (seen.has(path)) return seen.get(path);
  const st = statSync(path, { throwIfNoEntry: false });
  seen.set(path, st);
  if (!armed) {
    armed = true;
    setImmediate(endTurn);
  }
  return st;
}

/** This process replaced `path`: the next look stats it again. */
export function forgetStat(path: string): void {
  seen.delete(path);
}
