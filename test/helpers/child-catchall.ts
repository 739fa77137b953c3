import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI runs from here, as `npm start` does. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** How a child process ended: its exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The real CLI (`node --import tsx src/main.ts …`) as a child process, with its output collected.
 * CATCHALL_* variables of the test runner are not passed on, so only `env` configures it.
 */
export class ChildCatchall {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  /** Settles once the process has exited and its output streams are closed. */
  readonly exited: Promise<ChildExit>;
  #listeners: (() => void)[] = [];

  private constructor(args: readonly string[], env: Record<string, string>) {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('CATCHALL_')),
    );
    this.process = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      this.process.once('close', (code, signal) => {
        resolve({ code, signal });
        this.#notify();
      });
    });
  }

  /** Starts the CLI; it may still fail (see `exited`). */
  static spawn(args: readonly string[], env: Record<string, string> = {}): ChildCatchall {
    return new ChildCatchall(args, env);
  }

  /** Starts the CLI on free ports and waits until both listeners are printed. */
  static async start(args: readonly string[] = [], env: Record<string, string> = {}): Promise<RunningChild> {
    const child = ChildCatchall.spawn(['--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', ...args], env);
    const match = await child.waitForOutput(/^http listening on (\S+)$/m, 'stdout');
    const smtp = /^smtp listening on 127\.0\.0\.1:(\d+)$/m.exec(child.stdout);
    if (!smtp) throw new Error(`no SMTP address printed:\n${child.stdout}`);
    const running = Object.assign(child, { smtpPort: Number(smtp[1]), httpUrl: match[1] ?? '' });
    // main.ts prints the addresses a moment before it installs its SIGINT/SIGTERM handlers, so a
    // signal sent right after the line kills it outright. An answered HTTP request proves that
    // moment has passed: the request is handled in a later event-loop turn than that code.
    const res = await childFetch(running, 'api/v1/info');
    if (res.status !== 200) throw new Error(`GET api/v1/info: ${res.status}\n${child.describe()}`);
    return running;
  }

  /**
   * Waits until the pattern appears on stdout or stderr; fails early if the process exits first
   * or the deadline passes, showing what it printed.
   */
  waitForOutput(pattern: RegExp, stream: 'stdout' | 'stderr', timeoutMs = 15_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      let done = false;
      const check = () => {
        if (done) return;
        const found = pattern.exec(this[stream]);
        if (found) {
          finish();
          resolve(found);
        } else if (this.process.exitCode !== null || this.process.signalCode !== null) {
          finish();
          reject(new Error(`catchall exited before printing ${pattern}:\n${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`catchall did not print ${pattern} within ${timeoutMs} ms:\n${this.describe()}`));
      }, timeoutMs);
      const finish = () => {
        done = true;
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== check);
      };
      this.#listeners.push(check);
      check();
    });
  }

  /** Waits for the process to end, killing it if it has not within the deadline. */
  async waitForExit(timeoutMs = 15_000): Promise<ChildExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        reject(new Error(`catchall did not exit within ${timeoutMs} ms:\n${this.describe()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For cleanup: ends the process if it still runs, and waits for it. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }

  describe(): string {
    return `--- stdout\n${this.stdout}--- stderr\n${this.stderr}---`;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

export interface RunningChild extends ChildCatchall {
  readonly smtpPort: number;
  /** Base URL of UI and API, ending in "/". */
  readonly httpUrl: string;
}

/** Fetches a path relative to the child's base URL. */
export function childFetch(child: RunningChild, urlPath: string, init?: RequestInit): Promise<Response> {
  return fetch(new URL(urlPath.replace(/^\//, ''), child.httpUrl), init);
}
