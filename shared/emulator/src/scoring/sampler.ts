/** CPU and memory of a harness process from /proc (Linux); undefined elsewhere or when the process is gone. */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

const CLK_TCK = 100;
const PAGE = 4096;

export interface ProcUsage {
  /** utime + stime in seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

export function procUsage(pid: number): ProcUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(f[11]);
    const stime = Number(f[12]);
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return { cpuSeconds: (utime + stime) / CLK_TCK, rssBytes: Number(statm[1]) * PAGE };
  } catch {
    return undefined;
  }
}

/** The command line of a process (to check a recorded pid still is our harness before killing it). */
export function procCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** Percentages over the interval between two readings: CPU of the whole instance (all cores), memory of total. */
export function percentages(prev: { usage: ProcUsage; at: number } | undefined, now: ProcUsage, at: number): { cpu: number; mem: number } {
  const mem = (now.rssBytes / totalmem()) * 100;
  if (!prev || at <= prev.at) return { cpu: 0, mem };
  const cpu = ((now.cpuSeconds - prev.usage.cpuSeconds) / ((at - prev.at) / 1000) / availableParallelism()) * 100;
  return { cpu: Math.max(0, Math.min(100, cpu)), mem };
}
