import type { SourceLocation } from './errors';

/**
 * What the core library may say to the person watching the job. Hosts implement it; the core never
 * writes to stdout directly. Secrets registered with `setSecret` on the host are masked before printing.
 */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, location?: SourceLocation): void;
  error(message: string, location?: SourceLocation): void;
  /** A progress line for long operations (state, elapsed time). */
  progress(message: string): void;
  /** Run `fn` inside a collapsible log group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** A logger that drops everything (for library use and unit tests that do not care about output). */
export const silentLogger: Logger = {
  info() {},
  debug() {},
  warning() {},
  error() {},
  progress() {},
  group: (_title, fn) => fn(),
};
