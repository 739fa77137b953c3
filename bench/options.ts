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
  /** Visibility probes per probe run (0 skips the visibility scenarios). */
  readonly probes: number;
  /** Rate of the paced load the third visibility scenario runs under (0 skips it). */
  readonly probeRate: number;
  readonly only: 'all' | 'ingest' | 'visibility';
  readonly quick: boolean;
  readonly save: boolean;
  readonly check: boolean;
  /** Before each run, wait up to this many seconds for the machine to be idle (0: do not wait). */
  readonly waitQuiet: number;
  /** Extra catchall flags, e.g. "--parse-workers 0". */
  readonly serverArgs: readonly string[];
}

export const HELP = `Usage: npm run bench -- [options]

Starts catchall (node --import tsx src/main.ts) on free ports with a fresh file database for
every run, sends mail over raw pipelined SMTP connections and reports messages/s, MB/s and
the time from each 250 reply to the message being visible through the API.

Options:
  --sizes LIST        message sizes for the ingest scenarios (default 2k,100k)
  --messages LIST     messages per measured run, one per size or one for all (default 20000,5000)
  --connections N     parallel SMTP connections (default 10)
  --runs N            runs per scenario, each on a fresh server; the median is reported (default 3)
  --warmup N          messages sent before each measured run (default 500)
  --probes N          visibility probes per run (default 200; 0 skips the visibility scenarios)
  --probe-rate N      msg/s of the paced load for the third visibility scenario (default 1000; 0 skips it)
  --only WHAT         ingest | visibility | all (default all)
  --quick             smoke run: 2000,500 messages, 1 run, 200 warm-up, 50 probes
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
      only: { type: 'string' },
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
  const only = values.only ?? 'all';
  if (only !== 'all' && only !== 'ingest' && only !== 'visibility') {
    throw new Error(`--only must be ingest, visibility or all (got "${only}")`);
  }
  const options: BenchOptions = {
    sizes,
    messages,
    connections: positive(values.connections ?? '10', 'connections'),
    runs: positive(values.runs ?? (quick ? '1' : '3'), 'runs'),
    warmup: count(values.warmup ?? (quick ? '200' : '500')),
    probes: count(values.probes ?? (quick ? '50' : '200')),
    probeRate: count(values['probe-rate'] ?? '1000'),
    only,
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
