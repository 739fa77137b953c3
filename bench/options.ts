/** Command-line options of `npm run bench` (documented in bench/README.md). */
import { parseArgs } from 'node:util';
import { parseSize } from './mail.ts';

export interface BenchOptions {
  /** Message sizes for the ingest scenarios, in bytes. */
  readonly sizes: readonly number[];
  /** Messages per measured ingest run, one per size. */
  readonly messages: readonly number[];
  readonly connections: number;
  readonly runs: number;
  readonly warmup: number;
  /** Probes per visibility, event and wait run (0 skips those scenarios). */
  readonly probes: number;
  /** Rate of the paced load the "paced" probe scenarios run under (0 skips them). */
  readonly probeRate: number;
  /** Concurrent waiters of the waiters scenario (0 skips it). */
  readonly waiters: number;
  /** Messages stored by the store scenario before its queries. */
  readonly storeMessages: number;
  /** Times each query of the store scenario is asked. */
  readonly storeRepeat: number;
  /** The scenario groups to run. */
  readonly only: ReadonlySet<Group>;
  /** How catchall is started: through tsx from src/, or compiled by tsc first. */
  readonly runner: 'start' | 'built';
  /** Which catchall: "worktree", or a commit such as "head" (unaffected by edits during the run). */
  readonly source: string;
  readonly quick: boolean;
  readonly save: boolean;
  readonly check: boolean;
  /** Before each run, wait up to this many seconds for the machine to be idle (0: do not wait). */
  readonly waitQuiet: number;
  /** Extra catchall flags, e.g. "--parse-workers 0". */
  readonly serverArgs: readonly string[];
}

export const GROUPS = ['ingest', 'visibility', 'events', 'wait', 'store'] as const;
export type Group = (typeof GROUPS)[number];

export const HELP = `Usage: npm run bench -- [options]

Starts catchall (the node command of \`npm start\`) on free ports with a fresh file database for
every run, sends mail over raw pipelined SMTP connections and reports messages/s, MB/s, the
time from each 250 reply to the message being visible through the API, to its WebSocket event
and to a waiting request's answer, list and search times and memory with many stored messages.

Options:
  --sizes LIST        message sizes for the ingest scenarios (default 2k,100k)
  --messages LIST     messages per measured run, one per size or one for all (default 20000,5000)
  --connections N     parallel SMTP connections (default 10)
  --runs N            runs per scenario, each on a fresh server; the median is reported (default 3)
  --warmup N          messages sent before each measured run (default 500)
  --probes N          probes per visibility/event/wait run (default 200; 0 skips those scenarios)
  --probe-rate N      msg/s of the paced load of the "paced" probe scenarios (default 1000; 0 skips them)
  --waiters N         concurrent waiters released by a burst (default 200; 0 skips it)
  --store-messages N  messages stored before the list/search queries (default 100000)
  --store-repeat N    times each list/search query is asked (default 20)
  --only LIST         any of ingest,visibility,events,wait,store, or all (default all);
                      "latency" = events,wait
  --runner WHAT       start (default: the node command of \`npm start\`, after its prestart
                      build of dist/) or built (compile src/ with tsc into a temporary folder
                      and run node dist/main.js, as the npm package does: no heap flags)
  --source WHAT       worktree (default: the checkout as it is), head, or any commit: runs a
                      git archive of that commit, so edits to src/ during the run do not
                      change what is measured (and commits can be compared)
  --quick             smoke run: 2000,500 messages, 1 run, 200 warm-up, 50 probes, 50 waiters,
                      10,000 stored messages
  --wait-quiet SECS   before each run, wait up to SECS for other processes to go idle
                      (on a shared machine; default 0 = do not wait)
  --server-args STR   extra catchall flags, e.g. "--parse-workers 0"
  --no-save           do not append the results to bench/results/<date>.jsonl
  --check             exit with status 1 if a target is missed
  -h, --help          this text
`;

export type Parsed = { kind: 'help' } | { kind: 'options'; options: BenchOptions };

export function parseOptions(argv: readonly string[]): Parsed {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sizes: { type: 'string' },
      messages: { type: 'string' },
      connections: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      probes: { type: 'string' },
      'probe-rate': { type: 'string' },
      waiters: { type: 'string' },
      'store-messages': { type: 'string' },
      'store-repeat': { type: 'string' },
      only: { type: 'string' },
      runner: { type: 'string' },
      source: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'server-args': { type: 'string' },
      'wait-quiet': { type: 'string' },
      'no-save': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { kind: 'help' };

  const quick = values.quick;
  const sizes = (values.sizes ?? '2k,100k').split(',').map(parseSize);
  const messageList = (values.messages ?? (quick ? '2000,500' : '20000,5000')).split(',').map(count);
  if (messageList.length !== 1 && messageList.length < sizes.length) {
    throw new Error(`--messages needs one count, or one per size (${sizes.length})`);
  }
  const messages = sizes.map(
    (_, i) => (messageList.length === 1 ? messageList[0] : messageList[i]) as number,
  );
  const only = new Set<Group>();
  for (const word of (values.only ?? 'all').split(',').map((w) => w.trim())) {
    if (word === 'all') GROUPS.forEach((g) => only.add(g));
    else if (word === 'latency') ['events', 'wait'].forEach((g) => only.add(g as Group));
    else if ((GROUPS as readonly string[]).includes(word)) only.add(word as Group);
    else throw new Error(`--only takes ${GROUPS.join(', ')}, latency or all (got "${word}")`);
  }
  const runner = values.runner ?? 'start';
  if (runner !== 'start' && runner !== 'built')
    throw new Error(`--runner must be start or built (got "${runner}")`);
  const source = values.source ?? 'worktree';
  const options: BenchOptions = {
    sizes,
    messages,
    connections: positive(values.connections ?? '10', 'connections'),
    runs: positive(values.runs ?? (quick ? '1' : '3'), 'runs'),
    warmup: count(values.warmup ?? (quick ? '200' : '500')),
    probes: count(values.probes ?? (quick ? '50' : '200')),
    probeRate: count(values['probe-rate'] ?? '1000'),
    waiters: count(values.waiters ?? (quick ? '50' : '200')),
    storeMessages: positive(values['store-messages'] ?? (quick ? '10000' : '100000'), 'store-messages'),
    storeRepeat: positive(values['store-repeat'] ?? (quick ? '5' : '20'), 'store-repeat'),
    only,
    runner,
    source,
    quick,
    save: !values['no-save'],
    check: values.check,
    waitQuiet: count(values['wait-quiet'] ?? '0'),
    serverArgs: (values['server-args'] ?? '').split(/\s+/).filter(Boolean),
  };
  return { kind: 'options', options };
}

function count(text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: "${text}"`);
  return n;
}

function positive(text: string, name: string): number {
  const n = count(text);
  if (n === 0) throw new Error(`--${name} must be at least 1`);
  return n;
}
