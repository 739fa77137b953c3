/** The result record and table rows of the store scenario (store.ts). */
import type { BenchOptions } from './options.ts';
import {
  otherCpuText,
  plain,
  thousands,
  type Environment,
  type ResultRecord,
  type TableRow,
} from './report.ts';
import { IDLE_MS, type StoreRun } from './store.ts';
import { PAGE_MS, RSS_MB, STARTUP_MS, STORE_TARGET_MESSAGES } from './targets.ts';

const f2 = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export function storeResult(
  run: StoreRun,
  options: BenchOptions,
  env: Environment,
): [ResultRecord, TableRow[]] {
  const n = run.messages;
  // The page and memory budgets are stated for 100,000 stored messages; with fewer, figures are informational.
  const atScale = n >= STORE_TARGET_MESSAGES;
  const pagesMet = run.queries.map((q) => q.failures === 0 && q.firstMs < PAGE_MS && q.ms.p95 < PAGE_MS);
  const rss = [run.memory.afterFill.rssMb, run.memory.afterQueries.rssMb].filter(
    (x): x is number => x !== null,
  );
  const rssMax = rss.length > 0 ? Math.max(...rss) : null;
  const memoryMet = rssMax === null ? null : rssMax < RSS_MB;
  const fillMet = run.allVisible && run.fill.errors === 0;
  const restartMet = run.restart.startupMs < STARTUP_MS && run.restart.total === run.accepted;
  const record: ResultRecord = {
    bench: 'catchall',
    scenario: `store-${n}`,
    description:
      `${n} varied ~2 KB messages (1,000 recipients, 12 kinds of mail, ~15 % with a PDF attachment) stored over ` +
      `${options.connections} connections as fast as the server answers; then list and search pages, each query ` +
      `asked ${options.storeRepeat} times; catchall's memory; a restart on the filled database`,
    params: {
      messages: n,
      connections: options.connections,
      repeat: options.storeRepeat,
      serverArgs: options.serverArgs.join(' '),
    },
    units: {
      'queries[].firstMs': 'ms from sending the first request of that query to the end of its answer',
      'queries[].ms': 'the other repetitions (median = p50)',
      'queries[].matches': 'messages_count of the answer (1 for latest): how selective the query is',
      'memory.*.rssMb': 'VmRSS of the catchall process, MB (2^20 bytes); peakRssMb: VmHWM',
      'memory.*.infoMemoryMb': '/api/v1/info RuntimeStats.Memory, MB',
      databaseBytes: 'database file + WAL right after the fill',
      'restart.startupMs': 'spawn on the filled database until both "listening" lines',
      'restart.memoryAfterQueries':
        'after the restart and each query asked once more (no ingest working set)',
    },
    runs: [plain(run)],
    median: {
      queries: Object.fromEntries(run.queries.map((q) => [q.name, { firstMs: q.firstMs, ...q.ms }])),
      rssMb: rssMax,
      fillMessagesPerSecond: run.fill.messagesPerSecond,
    },
    target: atScale
      ? { pageMs: `< ${PAGE_MS}`, rssMb: `< ${RSS_MB}`, restartMs: `< ${STARTUP_MS}`, source: 'DESIGN.md §5' }
      : null,
    met: atScale ? fillMet && pagesMet.every(Boolean) && memoryMet !== false && restartMet : null,
    environment: env,
    timestamp: new Date().toISOString(),
  };
  const label = `${thousands(n)} stored`;
  const scaleNote = atScale ? '' : ` (at ${thousands(STORE_TARGET_MESSAGES)})`;
  const fillCpu = otherCpuText([run.fill]);
  const queryCpu = otherCpuText([{ cpu: run.queriesCpu }]);
  const rows: TableRow[] = [
    {
      scenario: `${label}: fill`,
      parameters: `~2 KB varied, ${options.connections} conns`,
      runs: `${run.fill.seconds} s`,
      result:
        `${thousands(run.fill.messagesPerSecond)} msg/s, ${run.fill.errors} errors, ` +
        `${run.allVisible ? 'all visible' : `NOT all visible (${run.total}/${run.accepted})`}; ` +
        `database ${Math.round(run.databaseBytes / 1e6)} MB`,
      target: 'no errors, all visible',
      otherCpu: fillCpu,
      met: fillMet,
    },
    ...run.queries.map((q, i): TableRow => ({
      scenario: `${label}: ${q.name}`,
      parameters: `${options.storeRepeat} requests, ${thousands(q.matches)} match`,
      runs: `first ${f2(q.firstMs)} ms`,
      result:
        `p50 ${f2(q.ms.p50)} ms, p95 ${f2(q.ms.p95)} ms, max ${f2(q.ms.max)} ms` +
        (q.failures > 0 ? `; ${q.failures} failed` : ''),
      target: `< ${PAGE_MS} ms (first, p95)${scaleNote}`,
      otherCpu: queryCpu,
      met: atScale ? (pagesMet[i] ?? false) : null,
    })),
    {
      scenario: `${label}: resident memory`,
      parameters: `start ${run.memory.afterStart.rssMb ?? '?'} MB`,
      runs: `peak ${run.memory.afterQueries.peakRssMb ?? '?'} MB`,
      result:
        `${run.memory.afterFill.rssMb ?? '?'} MB after the fill, ${run.memory.afterQueries.rssMb ?? '?'} MB ` +
        `after the queries (/api/v1/info: ${run.memory.afterQueries.infoMemoryMb ?? '?'} MB), ` +
        `${run.memory.afterIdle.rssMb ?? '?'} MB after ${IDLE_MS / 1000} s idle; ` +
        `${run.restart.memoryAfterQueries.rssMb ?? '?'} MB restarted + queries`,
      target: `< ${RSS_MB} MB${scaleNote}`,
      otherCpu: '',
      met: atScale ? memoryMet : null,
    },
    {
      scenario: `${label}: restart`,
      parameters: `on the filled database`,
      runs: `${run.restart.memory.rssMb ?? '?'} MB after start`,
      result:
        `${thousands(run.restart.startupMs)} ms to ready; first list ${f2(run.restart.firstListMs)} ms, ` +
        `first search ${f2(run.restart.firstSearchMs)} ms; total ${thousands(run.restart.total)}`,
      target: `< ${STARTUP_MS} ms, nothing lost`,
      otherCpu: '',
      met: restartMet,
    },
  ];
  return [record, rows];
}
