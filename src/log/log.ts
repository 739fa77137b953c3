import type { LogLevel } from '../config/config-types.ts';

/** The process log: one line per event on stderr (stdout stays free for the listening addresses). */
export interface Log {
  /** Shown with --verbose only. */
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export type LogWrite = (line: string) => void;

export function createLog(
  level: LogLevel,
  write: LogWrite = (line) => process.stderr.write(`${line}\n`),
): Log {
  const stamp = (tag: string, message: string): string => `${new Date().toISOString()} ${tag} ${message}`;
  return {
    debug: (m) => level === 'verbose' && write(stamp('debug', m)),
    info: (m) => level !== 'quiet' && write(stamp('info ', m)),
    warn: (m) => level !== 'quiet' && write(stamp('warn ', m)),
    error: (m, error) => write(stamp('error', error === undefined ? m : `${m}: ${describe(error)}`)),
  };
}

/** A log that writes nothing, for tests and embedding. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
