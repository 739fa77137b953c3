/**
 * `npm run bench`: catchall against the budgets in DESIGN.md §5: ingest throughput, 250→visible,
 * 250→WebSocket event and 250→`wait` answer latency, list/search pages and memory with many
 * stored messages, startup. Results: one JSON line per scenario on stdout (also appended to
 * bench/results/<date>.jsonl), then a table; progress goes to stderr. See bench/README.md.
 */
import { waitForQuiet, type CpuShare, type Quiet } from './cpu.ts';
import { describeMachine, probeMachine } from './machine.ts';
import { latencyResult, waitersResult, type LatencyMode } from './latency-results.ts';
import { latencyRun, waitersRun } from './latency-scenarios.ts';
import { TIMELINE_MS } from './load.ts';
import { buildTemplate, sizeLabel } from './mail.ts';
import { HELP, parseOptions, type BenchOptions } from './options.ts';
import {
  cpuText,
  emit,
  environment,
  formatTable,
  ms,
  probeParameters,
  otherCpuText,
  plain,
  save,
  thousands,
  type Environment,
  type ResultRecord,
  type TableRow,
} from './report.ts';
import { ingestRun, visibilityRun, type IngestRun, type VisibilityRun } from './scenarios.ts';
import {
  killAllServers,
  removeBuild,
  runnerLabel,
  useBuiltCatchall,
  useSnapshot,
  useStartScript,
} from './server.ts';
import { distribution, median, round } from './stats.ts';
import { storeResult } from './store-results.ts';
import { storeRun } from './store.ts';
import { INGEST_TARGETS, PROBE_SIZE, STARTUP_MS, TARGET_CONNECTIONS } from './targets.ts';

/** Above this much CPU used by other processes during a run, the table warns that the machine was busy. */
const BUSY_OTHER_PERCENT = 15;
/** --wait-quiet: "idle" means every process together uses at most this much of one core. */
const QUIET_BUSY_PERCENT = 10;

const log = (message: string) => process.stderr.write(`${message}\n`);

/** With --wait-quiet: waits for the machine to go idle before a run; returns what it saw, for the record. */
async function quietBefore(options: BenchOptions): Promise<Quiet | null> {
  if (options.waitQuiet === 0) return null;
  const quiet = await waitForQuiet(options.waitQuiet * 1000, QUIET_BUSY_PERCENT);
  if (quiet.busyPercent !== null && quiet.busyPercent > QUIET_BUSY_PERCENT) {
    log(`  machine still busy (${quiet.busyPercent}% of a core) after ${quiet.waitedMs} ms; running anyway`);
  }
  return quiet;
}

/**
 * Runs a scenario `options.runs` times, each on a fresh server after waiting for a quiet machine:
 * logs the run, collects it (CPU accounting) and its one-line description, and marks how quiet
 * the machine was.
 */
async function repeat<T extends { readonly quietBefore?: Quiet }>(
  options: BenchOptions,
  label: string,
  once: () => Promise<T>,
  collect: (run: T) => void,
  describe: (run: T) => string,
): Promise<T[]> {
  const runs: T[] = [];
  for (let r = 1; r <= options.runs; r++) {
    log(`${label}: run ${r}/${options.runs}`);
    const quiet = await quietBefore(options);
    const run = await once();
    collect(run);
    log(`  ${describe(run)}`);
    runs.push(quiet ? { ...run, quietBefore: quiet } : run);
  }
  return runs;
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (error) {
    log(`bench: ${(error as Error).message}\nRun "npm run bench -- --help" for the options.`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const options = parsed.options;
  let snapshot: string | null = null;
  if (options.source !== 'worktree') {
    const taken = useSnapshot(options.source);
    snapshot = taken.commit;
    log(`running catchall from a snapshot of ${options.source} (${snapshot.slice(0, 12)}) in ${taken.dir}`);
  }
  if (options.runner === 'built') {
    log('compiling src/ with tsc for --runner built …');
    log(`  into ${useBuiltCatchall()}`);
  } else {
    useStartScript();
  }
  const env = environment(options.source, snapshot, runnerLabel, await probeMachine());
  const when = new Date();
  const records: ResultRecord[] = [];
  const rows: TableRow[] = [];
  const startups: number[] = [];
  const exits: (number | null)[] = [];
  const problems = new Set<string>();
  const base = (scenario: string, description: string) => ({
    bench: 'catchall' as const,
    scenario,
    description,
    environment: env,
    timestamp: new Date().toISOString(),
  });
  const others: number[] = [];
  const collect = (run: {
    cpu: CpuShare;
    startupMs: number;
    exitCode: number | null;
    problems: readonly string[];
  }) => {
    if (run.cpu.otherPercent !== null) others.push(run.cpu.otherPercent);
    startups.push(run.startupMs);
    exits.push(run.exitCode);
    // Without the leading timestamp, the same complaint from many runs is listed once.
    for (const p of run.problems) problems.add(p.replace(/^\d{4}-\d\d-\d\dT\S+Z\s+/, ''));
  };
  const add = (record: ResultRecord, ...newRows: TableRow[]) => {
    records.push(record);
    rows.push(...newRows);
    emit(record);
  };

  log(
    `catchall bench: ${env.cpus} CPUs, Node ${env.node}, commit ${env.commit ?? '?'}` +
      `${options.quick ? ' (quick)' : ''}`,
  );
  log(`machine: ${describeMachine(env.machine)}`);

  if (options.only.has('ingest')) {
    for (const [i, size] of options.sizes.entries()) {
      const messages = options.messages[i] as number;
      const runs = await repeat(
        options,
        `ingest ${sizeLabel(size)}, ${messages} messages × ${options.connections} connections`,
        () =>
          ingestRun({
            size,
            messages,
            connections: options.connections,
            warmup: options.warmup,
            serverArgs: options.serverArgs,
          }),
        collect,
        (run) =>
          `${thousands(run.messagesPerSecond)} msg/s, ${run.megabytesPerSecond} MB/s, ${run.errors} errors, ` +
          `visible ${run.total}/${run.accepted}, ${cpuText(run.cpu)}`,
      );
      const [record, row] = ingestResult(size, messages, runs, options, env);
      add(record, row);
    }
  }

  if (options.only.has('visibility') && options.probes > 0) {
    const modes: VisibilityMode[] = [
      { mode: 'idle', label: 'visible after 250, idle' },
      { mode: 'load', label: `visible after 250, under full load` },
    ];
    if (options.probeRate > 0) {
      modes.push({ mode: 'paced', label: `visible after 250, at ${thousands(options.probeRate)} msg/s` });
    }
    for (const m of modes) {
      const runs = await repeat(
        options,
        `${m.label}, ${options.probes} probes`,
        () =>
          visibilityRun({
            mode: m.mode,
            size: PROBE_SIZE,
            probes: options.probes,
            connections: options.connections,
            warmup: options.warmup,
            rate: options.probeRate,
            serverArgs: options.serverArgs,
          }),
        collect,
        (run) =>
          `p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, max ${run.latencyMs.max} ms, ` +
          `${run.retried} needed a retry, ${run.notVisible} not visible` +
          (run.loadMessagesPerSecond === null ? '' : `, load ${thousands(run.loadMessagesPerSecond)} msg/s`) +
          `, ${cpuText(run.cpu)}`,
      );
      const [record, row] = visibilityResult(m, runs, options, env);
      add(record, row);
    }
  }

  const latencyModes: LatencyMode[] = [];
  for (const kind of ['event', 'wait'] as const) {
    if (!options.only.has(kind === 'event' ? 'events' : 'wait') || options.probes === 0) continue;
    const what = kind === 'event' ? 'WebSocket event after 250' : 'wait answered after 250';
    latencyModes.push({ kind, mode: 'idle', label: `${what}, idle` });
    if (options.probeRate > 0) {
      latencyModes.push({ kind, mode: 'paced', label: `${what}, at ${thousands(options.probeRate)} msg/s` });
    }
  }
  for (const m of latencyModes) {
    const runs = await repeat(
      options,
      `${m.label}, ${options.probes} probes`,
      () =>
        latencyRun({
          kind: m.kind,
          mode: m.mode,
          size: PROBE_SIZE,
          probes: options.probes,
          connections: options.connections,
          warmup: options.warmup,
          rate: options.probeRate,
          serverArgs: options.serverArgs,
        }),
      collect,
      (run) =>
        `p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, min ${run.latencyMs.min} ms, ` +
        `max ${run.latencyMs.max} ms, ${run.missing} missing` +
        (run.events ? `, events ${run.events.announced}/${run.events.expected}` : '') +
        (run.loadMessagesPerSecond === null ? '' : `, load ${thousands(run.loadMessagesPerSecond)} msg/s`) +
        `, ${cpuText(run.cpu)}`,
    );
    const [record, row] = latencyResult(m, runs, options, env);
    add(record, row);
  }

  if (options.only.has('wait') && options.waiters > 0) {
    const runs = await repeat(
      options,
      `${options.waiters} waits released at once`,
      () =>
        waitersRun({
          waiters: options.waiters,
          size: PROBE_SIZE,
          connections: options.connections,
          warmup: options.warmup,
          serverArgs: options.serverArgs,
        }),
      collect,
      (run) =>
        `p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, max ${run.latencyMs.max} ms, ` +
        `${run.released}/${run.waiters} released, burst ${run.burstMs} ms, ${cpuText(run.cpu)}`,
    );
    const [record, row] = waitersResult(runs, options, env);
    add(record, row);
  }

  if (options.only.has('store')) {
    log(`store: ${options.storeMessages} varied messages, then list/search queries, memory, restart`);
    const quiet = await quietBefore(options);
    const run = await storeRun({
      messages: options.storeMessages,
      connections: options.connections,
      repeat: options.storeRepeat,
      serverArgs: options.serverArgs,
    });
    collect({
      ...run.fill,
      startupMs: run.startupMs,
      exitCode: run.exitCodes[0] ?? null,
      problems: run.problems,
    });
    exits.push(...run.exitCodes.slice(1));
    log(
      `  fill ${thousands(run.fill.messagesPerSecond)} msg/s (${run.fill.seconds} s, ${cpuText(run.fill.cpu)}); ` +
        `RSS ${run.memory.afterFill.rssMb} MB after the fill, ${run.memory.afterQueries.rssMb} MB after the queries`,
    );
    for (const q of run.queries) {
      log(`  ${q.name}: first ${q.firstMs} ms, p50 ${q.ms.p50} ms, p95 ${q.ms.p95} ms (${q.matches} match)`);
    }
    log(`  restart: ${run.restart.startupMs} ms to ready, first list ${run.restart.firstListMs} ms`);
    const [record, storeRows] = storeResult(quiet ? { ...run, quietBefore: quiet } : run, options, env);
    add(record, ...storeRows);
  }

  if (startups.length > 0) {
    const startup = Math.round(median(startups));
    const cleanExits = exits.every((c) => c === 0);
    const met = startup < STARTUP_MS;
    add(
      {
        ...base(
          'startup',
          `Spawn of \`${runnerLabel}\` (on a fresh, empty database) until both "listening" lines are printed`,
        ),
        params: { starts: startups.length, runner: runnerLabel },
        units: { startupMs: 'ms', exitCodes: 'exit code after SIGTERM' },
        runs: startups.map((ms, i) => ({ startupMs: ms, exitCode: exits[i] ?? null })),
        median: { startupMs: startup },
        target: { startupMs: `< ${STARTUP_MS}`, source: 'DESIGN.md §5' },
        met,
        environment: env,
      },
      {
        scenario: 'startup to ready',
        parameters: `${startups.length} starts (${runnerLabel})`,
        runs: `min ${Math.min(...startups)}, max ${Math.max(...startups)} ms`,
        result: `${startup} ms; SIGTERM exits ${cleanExits ? 'all 0' : exits.join('/')}`,
        target: `< ${STARTUP_MS} ms`,
        otherCpu: '',
        met,
      },
    );
  }

  process.stdout.write(`\n${formatTable(rows, env, when)}\n`);
  if (others.length > 0) {
    const [least, worst] = [Math.min(...others), Math.max(...others)];
    process.stdout.write(
      `\nOther processes used ${least === worst ? worst : `${least}-${worst}`}% of a core during the measured phases` +
        (worst > BUSY_OTHER_PERCENT
          ? ': the machine was not idle, so these figures understate catchall (rerun when it is quiet).\n'
          : ' (the machine was quiet).\n'),
    );
  }
  if (options.quick)
    process.stdout.write('\n--quick: few messages and one run; figures are indicative only.\n');
  if (problems.size > 0) {
    process.stdout.write(
      `\ncatchall logged problems on stderr:\n${[...problems].map((p) => `  ${p}`).join('\n')}\n`,
    );
  }
  if (!exits.every((c) => c === 0))
    process.stdout.write(`\ncatchall exit codes after SIGTERM: ${exits.join(', ')}\n`);
  if (options.save && records.length > 0) log(`\nresults appended to ${save(records, when)}`);
  removeBuild();
  return options.check && rows.some((r) => r.met === false) ? 1 : 0;
}

function ingestResult(
  size: number,
  messages: number,
  runs: readonly IngestRun[],
  options: BenchOptions,
  env: Environment,
): [ResultRecord, TableRow] {
  const template = buildTemplate(size, 'x');
  const perSecond = median(runs.map((r) => r.messagesPerSecond));
  const megabytes = round(median(runs.map((r) => r.megabytesPerSecond)), 2);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const allVisible = runs.every((r) => r.allVisible && r.sampledFound === r.sampledIds);
  const rate = options.connections === TARGET_CONNECTIONS ? INGEST_TARGETS.get(size) : undefined;
  const met = allVisible && errors === 0 && (rate === undefined || perSecond >= rate);
  const record: ResultRecord = {
    bench: 'catchall',
    scenario: `ingest-${template.label.replace(' ', '')}`,
    description:
      `${messages} ${template.label} ${template.kind} messages over ${options.connections} pipelined SMTP ` +
      'connections after a warm-up; every accepted message must be visible through the API',
    params: {
      messageBytes: size,
      messageKind: template.kind,
      messages,
      connections: options.connections,
      warmup: options.warmup,
      runs: options.runs,
      serverArgs: options.serverArgs.join(' '),
      database: 'file (fresh per run)',
    },
    units: {
      messagesPerSecond: 'accepted (250) messages per second',
      megabytesPerSecond: '10^6 bytes of accepted message per second',
      seconds: 's',
      transactionMs: 'ms from MAIL FROM to 250',
      cpu: '% of one core during the measured phase: catchall, this benchmark, all other processes',
      timeline: `accepted msg/s in consecutive ${TIMELINE_MS} ms windows (the last one is partial)`,
    },
    runs: runs.map(plain),
    median: { messagesPerSecond: perSecond, megabytesPerSecond: megabytes },
    target: rate === undefined ? null : { messagesPerSecond: rate, allVisible: true, source: 'DESIGN.md §5' },
    met,
    environment: env,
    timestamp: new Date().toISOString(),
  };
  const visibleText = allVisible
    ? 'all visible'
    : `NOT all visible (${runs.map((r) => `${r.total}/${r.accepted}`).join(', ')})`;
  const row: TableRow = {
    scenario: `ingest ${template.label}`,
    parameters: `${thousands(messages)} msgs, ${options.connections} conns`,
    runs: runs.map((r) => thousands(r.messagesPerSecond)).join(' / ') + ' msg/s',
    result: `${thousands(perSecond)} msg/s, ${megabytes} MB/s, ${errors} errors, ${visibleText}`,
    target: rate === undefined ? 'no errors, all visible' : `>= ${thousands(rate)} msg/s, all visible`,
    otherCpu: otherCpuText(runs),
    met: record.met,
  };
  return [record, row];
}

interface VisibilityMode {
  readonly mode: 'idle' | 'load' | 'paced';
  readonly label: string;
}

function visibilityResult(
  m: VisibilityMode,
  runs: readonly VisibilityRun[],
  options: BenchOptions,
  env: Environment,
): [ResultRecord, TableRow] {
  const pooled = distribution(runs.flatMap((r) => [...r.visibleSamples]));
  const retried = runs.reduce((n, r) => n + r.retried, 0);
  const notVisible = runs.reduce((n, r) => n + r.notVisible, 0);
  const errors = runs.reduce((n, r) => n + r.errors + r.loadErrors, 0);
  const allVisible = runs.every((r) => r.allVisible);
  const visibleAt250 = retried === 0 && notVisible === 0 && errors === 0 && allVisible;
  const load = runs.map((r) => r.loadMessagesPerSecond).filter((x): x is number => x !== null);
  const record: ResultRecord = {
    bench: 'catchall',
    scenario: `visibility-${m.mode}`,
    description:
      `${options.probes} ${sizeLabel(PROBE_SIZE)} messages sent one at a time on their own connection` +
      (m.mode === 'idle'
        ? ' while the server is otherwise idle'
        : m.mode === 'load'
          ? ` while ${options.connections} other connections send as fast as the server answers`
          : ` while ${options.connections} other connections send ${options.probeRate} msg/s in all`) +
      '; time from reading each 250 to GET /api/v1/message/{ID} answering 200',
    params: {
      probes: options.probes,
      messageBytes: PROBE_SIZE,
      loadConnections: m.mode === 'idle' ? 0 : options.connections,
      loadRate: m.mode === 'paced' ? options.probeRate : m.mode === 'load' ? 'max' : 0,
      warmup: options.warmup,
      runs: options.runs,
      serverArgs: options.serverArgs.join(' '),
    },
    units: {
      latencyMs: 'ms from reading the 250 to the 200 response headers',
      retried: 'probes whose first GET answered 404',
      loadMessagesPerSecond: 'background load achieved, msg/s',
      cpu: '% of one core while probing: catchall, this benchmark, all other processes',
    },
    runs: runs.map(({ visibleSamples: _samples, ...rest }) => plain(rest)),
    median: {
      latencyMs: pooled,
      pooledOver: 'all runs (percentiles of every probe); per-run figures in runs',
      retried,
      notVisible,
      ...(load.length > 0 ? { loadMessagesPerSecond: median(load) } : {}),
    },
    // §5's latency budget is for the WebSocket event and `wait` (scenarios event-* and wait-*);
    // here the promise is that a 250 means visible, and the latency is for information.
    target: { visibleAtFirstGet: true, source: 'DESIGN.md §3.2 (250 only after the commit)' },
    met: visibleAt250,
    environment: env,
    timestamp: new Date().toISOString(),
  };
  const targetText = 'first GET finds it';
  const row: TableRow = {
    scenario: m.label,
    parameters: probeParameters(options.probes, m.mode, options.connections, load),
    runs: 'p99 ' + runs.map((r) => ms(r.latencyMs.p99)).join(' / ') + ' ms',
    result:
      `p50 ${ms(pooled.p50)} ms, p99 ${ms(pooled.p99)} ms, max ${ms(pooled.max)} ms; ` +
      `${retried} retried, ${notVisible} not visible` +
      (errors > 0 ? `, ${errors} errors` : '') +
      (allVisible ? '' : ', total != accepted'),
    target: targetText,
    otherCpu: otherCpuText(runs),
    met: record.met,
  };
  return [record, row];
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping the catchall servers started by the benchmark`);
    killAllServers();
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    killAllServers();
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
