/**
 * Starts catchall as a child process the way a user would (`node --import tsx src/main.ts`), on
 * free ports with a fresh file database in a temporary folder, and stops it with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 20_000;

export interface BenchServer {
  readonly pid: number;
  readonly smtpPort: number;
  /** e.g. http://127.0.0.1:40214/ */
  readonly httpUrl: string;
  readonly databaseFile: string;
  /** From spawn to both "listening" lines on stdout. */
  readonly startupMs: number;
  /** Size of the database file plus its WAL. */
  databaseBytes(): number;
  /** stderr lines that look like problems (error/warn), for the report. */
  problems(): string[];
  /** SIGTERM, wait for the exit, remove the temporary folder. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stopMs: number }>;
}

const running = new Set<{ child: ChildProcess; dir: string }>();

/** Kills any server still running (on an aborted benchmark), synchronously. */
export function killAllServers(): void {
  for (const entry of running) {
    entry.child.kill('SIGKILL');
    rmSync(entry.dir, { recursive: true, force: true });
  }
  running.clear();
}

export async function startServer(extraArgs: readonly string[] = []): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-bench-'));
  const databaseFile = path.join(dir, 'bench.db');
  const args = [
    '--import',
    'tsx',
    'src/main.ts',
    '--smtp',
    '127.0.0.1:0',
    '--listen',
    '127.0.0.1:0',
    '--database',
    databaseFile,
    '--max',
    '0',
    ...extraArgs,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { child, dir };
  running.add(entry);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    // Keep the start and the end; a long run could otherwise log without bound.
    stderr = stderr.length > 200_000 ? stderr.slice(-100_000) + chunk : stderr + chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  let ports: { smtpPort: number; httpUrl: string; startupMs: number };
  try {
    ports = await new Promise((resolve, reject) => {
      let stdout = '';
      let smtpPort: number | null = null;
      let httpUrl: string | null = null;
      const timer = setTimeout(
        () => reject(new Error(`catchall did not report its ports within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        smtpPort ??= Number(/^smtp listening on \S+:(\d+)/m.exec(stdout)?.[1] ?? '') || null;
        httpUrl ??= /^http listening on (http:\/\/\S+)/m.exec(stdout)?.[1] ?? null;
        if (smtpPort !== null && httpUrl !== null) {
          clearTimeout(timer);
          resolve({ smtpPort, httpUrl, startupMs: performance.now() - started });
        }
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`catchall exited during startup (code ${code}, signal ${signal}):\n${stderr}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    running.delete(entry);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    pid: child.pid as number,
    ...ports,
    databaseFile,
    databaseBytes: () => fileSize(databaseFile) + fileSize(`${databaseFile}-wal`),
    problems: () =>
      stderr
        .split('\n')
        .filter((line) => /\b(error|warn)\b|^\s+at |Error:/i.test(line))
        .slice(0, 30),
    async stop() {
      const t0 = performance.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const result = await exited;
      clearTimeout(timer);
      running.delete(entry);
      rmSync(dir, { recursive: true, force: true });
      return { ...result, stopMs: performance.now() - t0 };
    },
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
