/** Result records (one JSON line each), the results file, and the table printed at the end. */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CpuShare } from './cpu.ts';
import { describeMachine, type MachineProbe } from './machine.ts';
import { REPO_ROOT } from './server.ts';
import { median } from './stats.ts';

export interface Environment {
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly platform: string;
  readonly memoryMb: number;
  /** Commit of the measured checkout, and whether src/ had uncommitted changes (measured too). */
  readonly commit: string | null;
  readonly srcDirty: boolean | null;
  /** What ran: "worktree", or the --source commit as given (then `commit` is that commit, srcDirty false). */
  readonly source: string;
  /** How catchall was started, e.g. "node --import tsx". */
  readonly runner: string;
  /** The machine's latencies and CPU speed just before the scenarios (machine.ts). */
  readonly machine: MachineProbe;
}

export interface ResultRecord {
  readonly bench: 'catchall';
  readonly scenario: string;
  readonly description: string;
  readonly params: Record<string, unknown>;
  readonly units: Record<string, string>;
  readonly runs: readonly Record<string, unknown>[];
  readonly median: Record<string, unknown>;
  /** DESIGN.md §5 figures this result is held against (null: none apply to these parameters). */
  readonly target: Record<string, unknown> | null;
  readonly met: boolean | null;
  readonly environment: Environment;
  readonly timestamp: string;
}

/** A row of the printed table. */
export interface TableRow {
  readonly scenario: string;
  readonly parameters: string;
  readonly runs: string;
  readonly result: string;
  readonly target: string;
  /** CPU other processes used during the runs (noise), e.g. "0-35%". */
  readonly otherCpu: string;
  readonly met: boolean | null;
}

/** `snapshot`: the commit --source ran (null: the working tree). */
export function environment(
  source: string,
  snapshot: string | null,
  runner: string,
  machine: MachineProbe,
): Environment {
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', args, {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return null;
    }
  };
  const status = git('status', '--porcelain', '--', 'src');
  return {
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    commit: snapshot ? snapshot.slice(0, 12) : git('rev-parse', '--short=12', 'HEAD'),
    srcDirty: snapshot ? false : status === null ? null : status.length > 0,
    source,
    runner,
    machine,
  };
}

/** Writes the record as one JSON line on stdout. */
export function emit(record: ResultRecord): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Appends the records to bench/results/<UTC date>.jsonl; returns the file. */
export function save(records: readonly ResultRecord[], when: Date): string {
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${when.toISOString().slice(0, 10)}.jsonl`);
  appendFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return file;
}

export function formatTable(rows: readonly TableRow[], env: Environment, when: Date): string {
  const header: string[] = [
    'Scenario',
    'Parameters',
    'Runs',
    'Result (median)',
    'Target (DESIGN.md §5)',
    'Met',
    'Other CPU',
  ];
  const cells = rows.map(
    (r) =>
      [
        r.scenario,
        r.parameters,
        r.runs,
        r.result,
        r.target,
        r.met === null ? '-' : r.met ? 'yes' : 'NO',
        r.otherCpu,
      ] as const,
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const title =
    `catchall bench, ${when.toISOString()}: Node ${env.node}, ${env.cpus} CPUs (${env.cpuModel}), ` +
    `commit ${env.commit ?? '?'}${env.srcDirty ? ' + uncommitted src/ changes' : ''}` +
    `${env.source === 'worktree' ? '' : ` (snapshot of --source ${env.source})`}, ${env.runner}\n` +
    `machine before the runs: ${describeMachine(env.machine)}`;
  return [title, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Milliseconds for the table: one decimal. */
export const ms = (x: number): string => x.toFixed(1);

/** The range of CPU other processes used during a scenario's runs, e.g. "0-35%". */
export function otherCpuText(runs: readonly { cpu: CpuShare }[]): string {
  const values = runs.map((r) => r.cpu.otherPercent).filter((x): x is number => x !== null);
  if (values.length === 0) return '?';
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return lo === hi ? `${lo}%` : `${lo}-${hi}%`;
}

export function cpuText(cpu: CpuShare): string {
  const pct = (x: number | null) => (x === null ? '?' : `${x}%`);
  return `CPU: catchall ${pct(cpu.serverPercent)} (main thread ${pct(cpu.serverMainThreadPercent)}), bench ${pct(cpu.clientPercent)}, other ${pct(cpu.otherPercent)}`;
}

/** A run as JSON-friendly data (typed arrays are left out by the callers). */
export function plain(run: object): Record<string, unknown> {
  return { ...run };
}

/** "200 probes, 10 load conns (1,000 msg/s)": the parameters column of a probe scenario. */
export function probeParameters(
  probes: number,
  mode: string,
  connections: number,
  loadRates: readonly number[],
): string {
  return (
    `${probes} probes` +
    (mode === 'idle' ? '' : `, ${connections} load conns`) +
    (loadRates.length > 0 ? ` (${thousands(median(loadRates))} msg/s)` : '')
  );
}
