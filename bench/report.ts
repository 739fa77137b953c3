/** Result records (one JSON line each), the results file, and the table printed at the end. */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './server.ts';

export interface Environment {
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly platform: string;
  readonly memoryMb: number;
  /** Commit of the measured checkout, and whether src/ had uncommitted changes. */
  readonly commit: string | null;
  readonly srcDirty: boolean | null;
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

export function environment(): Environment {
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
    commit: git('rev-parse', '--short=12', 'HEAD'),
    srcDirty: status === null ? null : status.length > 0,
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
    `commit ${env.commit ?? '?'}${env.srcDirty ? ' + uncommitted src/ changes' : ''}`;
  return [title, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');
