/**
 * Starts catchall as a child process the way a user would (the command of `npm start`, or
 * with `--runner built` the compiled JavaScript the npm package ships), on free ports with a
 * fresh file database in a temporary folder, and stops it with SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 20_000;

export interface BenchServer {
  readonly pid: number;
  /** The temporary folder holding the database (reusable with `startServer(…, { reuse })`). */
  readonly dir: string;
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
  /** SIGTERM, wait for the exit, remove the temporary folder (unless `keep`: to restart on it). */
  stop(options?: {
    keep?: boolean;
  }): Promise<{ code: number | null; signal: NodeJS.Signals | null; stopMs: number }>;
}

export interface StartOptions {
  /** Start on the database folder of a server stopped with `{ keep: true }`. */
  readonly reuse?: string;
}

/**
 * How catchall is run: as `npm start` runs it (the node command of package.json's start script,
 * with its V8 flags; resolved when the first server starts, from the --source snapshot if one is
 * used), or compiled by tsc (see useBuiltCatchall). Not through npm itself: the figures (CPU,
 * resident memory) are those of the catchall process.
 */
let serverEntry: readonly string[] | null = null;
export let runnerLabel = 'npm start';
/** Where src/ and web/ are taken from: the checkout, or a snapshot of a commit (see useSnapshot). */
let sourceRoot = REPO_ROOT;
/** Temporary folders of --source and --runner built, removed by removeBuild(). */
const tempDirs: string[] = [];

/**
 * `--source head` (or any commit): runs that commit instead of the working tree, which other
 * people may be editing while the benchmark runs: `git archive <rev>` of src/, web/ and the
 * package and TypeScript configuration, unpacked into a temporary folder beside a link to
 * node_modules (the checkout's: the commit's dependencies must match it). Returns the folder
 * and the full commit.
 */
export function useSnapshot(rev: string): { dir: string; commit: string } {
  const ref = rev.toLowerCase() === 'head' ? 'HEAD' : rev;
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  }).trim();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-bench-src-'));
  tempDirs.push(dir);
  const listed = execFileSync('git', ['ls-tree', '--name-only', commit], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  // scripts/ holds the build `npm start` runs first (since it runs dist/); older commits lack it.
  const wanted = ['src', 'web', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
  const files = wanted.filter((f) => listed.split('\n').includes(f));
  const tar = execFileSync('git', ['archive', '--format=tar', commit, ...files], {
    cwd: REPO_ROOT,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  sourceRoot = dir;
  return { dir, commit };
}

/**
 * `--runner built`: compiles src/ with tsc (tsconfig.build.json) into a temporary folder beside
 * links to node_modules and web/, and runs `node <that>/dist/main.js`, which is what
 * `npx catchall` runs from the npm package (no tsx loader threads). Returns the folder.
 */
export function useBuiltCatchall(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-bench-build-'));
  tempDirs.push(dir);
  const dist = path.join(dir, 'dist');
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '-p', 'tsconfig.build.json', '--outDir', dist, '--declaration', 'false'];
  try {
    execFileSync(process.execPath, [...args, '--sourceMap', 'false'], { cwd: sourceRoot, stdio: 'pipe' });
  } catch (error) {
    // Type errors (e.g. someone's work in progress) still emit JavaScript; only a missing
    // entry point is fatal.
    if (!existsSync(path.join(dist, 'main.js'))) throw error;
  }
  cpSync(path.join(sourceRoot, 'src', 'store', 'migrations'), path.join(dist, 'store', 'migrations'), {
    recursive: true,
  });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  symlinkSync(path.join(sourceRoot, 'web'), path.join(dir, 'web'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  serverEntry = [path.join(dist, 'main.js')];
  runnerLabel = 'node dist/main.js';
  return dir;
}
/**
 * Runs catchall as package.json's start script does (the default; call after useSnapshot):
 * returns the arguments after its `node`, e.g. `--import tsx src/main.ts`, and sets runnerLabel.
 */
export function useStartScript(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(sourceRoot, 'package.json'), 'utf8')) as {
    scripts?: { start?: string; prestart?: string };
  };
  // npm runs prestart first: since it builds dist/ (scripts/ensure-built.mjs), so does this.
  const prestart = pkg.scripts?.prestart?.trim().split(/\s+/) ?? [];
  if (prestart.length > 0) {
    if (prestart[0] !== 'node') throw new Error(`the prestart script is not a plain "node …" command`);
    execFileSync(process.execPath, prestart.slice(1), { cwd: sourceRoot, stdio: 'inherit' });
  }
  const script = pkg.scripts?.start ?? '';
  const words = script.trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2 || words.some((w) => /[$&|;<>'"`]/.test(w))) {
    throw new Error(`the start script is not a plain "node …" command the benchmark can run: ${script}`);
  }
  runnerLabel = `npm start: ${script}`;
  serverEntry = words.slice(1);
  return serverEntry as string[];
}

/** Removes the snapshot of --source and the compiled copy of --runner built. */
export function removeBuild(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const running = new Set<{ child: ChildProcess; dir: string }>();

/** Kills any server still running (on an aborted benchmark), synchronously. */
export function killAllServers(): void {
  for (const entry of running) {
    entry.child.kill('SIGKILL');
    rmSync(entry.dir, { recursive: true, force: true });
  }
  running.clear();
  removeBuild();
}

export async function startServer(
  extraArgs: readonly string[] = [],
  options: StartOptions = {},
): Promise<BenchServer> {
  const dir = options.reuse ?? mkdtempSync(path.join(os.tmpdir(), 'catchall-bench-'));
  const databaseFile = path.join(dir, 'bench.db');
  serverEntry ??= useStartScript();
  const args = [
    ...serverEntry,
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
  const child = spawn(process.execPath, args, { cwd: sourceRoot, stdio: ['ignore', 'pipe', 'pipe'] });
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
    dir,
    ...ports,
    databaseFile,
    databaseBytes: () => fileSize(databaseFile) + fileSize(`${databaseFile}-wal`),
    problems: () =>
      stderr
        .split('\n')
        .filter((line) => /\b(error|warn)\b|^\s+at |Error:/i.test(line))
        .slice(0, 30),
    async stop(stopOptions = {}) {
      const t0 = performance.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const result = await exited;
      clearTimeout(timer);
      running.delete(entry);
      if (!stopOptions.keep) rmSync(dir, { recursive: true, force: true });
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
