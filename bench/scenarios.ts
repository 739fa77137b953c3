/**
 * One run of each scenario, each on its own freshly started server and database:
 * - ingest: warm-up, then N messages over C connections as fast as the server answers;
 * - visibility: warm-up, then probes (see probe.ts) while idle, under full load, or under a paced load.
 * Every run ends by checking that the API's `total` equals the number of 250 replies.
 */
import { ApiClient } from './api-client.ts';
import { CpuMeter, processMemoryMb, type CpuShare, type Quiet } from './cpu.ts';
import { probeUnderLoad, runLoad, type LoadOutcome } from './load.ts';
import { buildTemplate } from './mail.ts';
import { runProbes } from './probe.ts';
import { startServer, type BenchServer } from './server.ts';
import { SmtpConnection } from './smtp-client.ts';
import { distribution, round, type Distribution } from './stats.ts';

/** IDs from the measured 250 replies that are fetched back one by one after each ingest run. */
const SAMPLED_IDS = 20;
/** Pause between visibility probes, so an idle probe finds the server idle. */
const PROBE_GAP_MS = 10;

export interface ServerFacts {
  readonly startupMs: number;
  /** Exit code after SIGTERM (0 expected). */
  readonly exitCode: number | null;
  readonly stopMs: number;
  readonly databaseBytes: number;
  /** catchall's resident memory at the end of the run and its peak (all threads), MB. */
  readonly memory: { rssMb: number; peakRssMb: number } | null;
  /** stderr lines mentioning errors or warnings. */
  readonly problems: readonly string[];
  /** With --wait-quiet: the machine's CPU use before the run started, and the wait. */
  readonly quietBefore?: Quiet;
}

export interface VisibilityCheck {
  /** Every 250 of this server's life (warm-up, measured, probes). */
  readonly accepted: number;
  /** `total` of GET /api/v1/messages?limit=1, asked right after the last 250. */
  readonly total: number;
  readonly allVisible: boolean;
  /** Only when `total` was short: the count after waiting up to 2 s (late rather than lost?). */
  readonly totalAfter2s?: number;
}

export interface IngestRun extends ServerFacts, VisibilityCheck {
  readonly messagesPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly seconds: number;
  readonly measuredAccepted: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly transactionMs: Distribution;
  /** CPU during the measured phase: server, this benchmark, all other processes. */
  readonly cpu: CpuShare;
  readonly timeline: readonly number[];
  readonly sampledIds: number;
  readonly sampledFound: number;
}

export interface VisibilityRun extends ServerFacts, VisibilityCheck {
  readonly latencyMs: Distribution;
  readonly visibleSamples: Float64Array;
  readonly probes: number;
  readonly retried: number;
  readonly retries: number;
  readonly notVisible: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  /** The background load while probing, if any. */
  readonly loadMessagesPerSecond: number | null;
  readonly loadErrors: number;
  /** CPU during the probes (and their background load). */
  readonly cpu: CpuShare;
}

export interface IngestParams {
  readonly size: number;
  readonly messages: number;
  readonly connections: number;
  readonly warmup: number;
  readonly serverArgs: readonly string[];
}

export interface VisibilityParams {
  readonly mode: 'idle' | 'load' | 'paced';
  readonly size: number;
  readonly probes: number;
  readonly connections: number;
  readonly warmup: number;
  /** msg/s for mode "paced". */
  readonly rate: number;
  readonly serverArgs: readonly string[];
}

let runCounter = 0;
export const runTag = () => `bench${Date.now().toString(36)}${(runCounter++).toString(36)}`;

export async function ingestRun(p: IngestParams): Promise<IngestRun> {
  return withServer(p.serverArgs, async (server, api) => {
    const template = buildTemplate(p.size, runTag());
    const connections = await openConnections(server.smtpPort, p.connections);
    const warm = await runLoad({ connections, template, messages: p.warmup, firstIndex: 0 });
    const meter = new CpuMeter(server.pid);
    const load = await runLoad({ connections, template, messages: p.messages, firstIndex: p.warmup });
    const cpu = meter.read();
    const check = await checkVisible(api, warm.accepted + load.accepted);
    const sample = await fetchSample(api, load.ids);
    await Promise.all(connections.map((c) => c.quit()));
    return {
      ...check,
      ...loadFigures(load),
      cpu,
      timeline: load.timeline,
      sampledIds: sample.asked,
      sampledFound: sample.found,
    };
  });
}

export async function visibilityRun(p: VisibilityParams): Promise<VisibilityRun> {
  return withServer(p.serverArgs, async (server, api) => {
    const template = buildTemplate(p.size, runTag());
    const connections = await openConnections(server.smtpPort, p.connections);
    const probeConnection = await SmtpConnection.open(server.smtpPort);
    const warm = await runLoad({ connections, template, messages: p.warmup, firstIndex: 0 });
    // Warm the API path too (route, JSON, keep-alive socket), as the load connections are warm.
    await api.total();

    const {
      result: probes,
      load,
      cpu,
    } = await probeUnderLoad(
      {
        pid: server.pid,
        connections,
        template,
        ratePerSecond: p.mode === 'idle' ? null : p.mode === 'paced' ? p.rate : 0,
      },
      () =>
        runProbes({
          connection: probeConnection,
          api,
          template,
          count: p.probes,
          firstIndex: p.warmup,
          gapMs: PROBE_GAP_MS,
        }),
    );
    const check = await checkVisible(api, warm.accepted + probes.accepted + (load?.accepted ?? 0));
    await Promise.all([...connections, probeConnection].map((c) => c.quit()));
    return {
      ...check,
      latencyMs: distribution(probes.visibleMs),
      visibleSamples: probes.visibleMs,
      probes: probes.accepted + probes.errors,
      retried: probes.retried,
      retries: probes.retries,
      notVisible: probes.notVisible,
      errors: probes.errors,
      errorSamples: [...probes.errorSamples, ...(load?.errorSamples ?? [])],
      loadMessagesPerSecond: load && load.seconds > 0 ? round(load.accepted / load.seconds, 0) : null,
      loadErrors: load?.errors ?? 0,
      cpu,
    };
  });
}

export async function withServer<T extends object>(
  serverArgs: readonly string[],
  body: (server: BenchServer, api: ApiClient) => Promise<T>,
): Promise<T & ServerFacts> {
  const server = await startServer(serverArgs);
  const api = new ApiClient(server.httpUrl);
  let result: T;
  try {
    result = await body(server, api);
  } catch (error) {
    api.close();
    const problems = server.problems();
    await server.stop();
    // catchall's own account of what went wrong is usually the useful part.
    if (problems.length > 0 && error instanceof Error) {
      error.message += `\ncatchall stderr:\n${problems.map((p) => `  ${p}`).join('\n')}`;
    }
    throw error;
  }
  api.close();
  const databaseBytes = server.databaseBytes();
  const memory = processMemoryMb(server.pid);
  const stopped = await server.stop();
  return {
    ...result,
    startupMs: round(server.startupMs, 0),
    exitCode: stopped.code,
    stopMs: round(stopped.stopMs, 0),
    databaseBytes,
    memory,
    problems: server.problems(),
  };
}

export function openConnections(port: number, count: number): Promise<SmtpConnection[]> {
  return Promise.all(Array.from({ length: count }, () => SmtpConnection.open(port)));
}

function loadFigures(load: LoadOutcome) {
  const perSecond = load.seconds > 0 ? load.accepted / load.seconds : 0;
  return {
    messagesPerSecond: round(perSecond, 0),
    megabytesPerSecond: round(load.seconds > 0 ? load.bytes / 1e6 / load.seconds : 0, 2),
    seconds: round(load.seconds, 3),
    measuredAccepted: load.accepted,
    errors: load.errors,
    errorSamples: load.errorSamples,
    transactionMs: distribution(load.transactionMs),
  };
}

/**
 * Asks right away: a 250 promises the message is already committed and visible. Should the
 * count be short, it is asked again for up to 2 s so the report can tell "late" from "lost".
 */
export async function checkVisible(api: ApiClient, accepted: number): Promise<VisibilityCheck> {
  const first = await api.total();
  if (first === accepted) return { accepted, total: first, allVisible: true };
  let total = first;
  const deadline = Date.now() + 2000;
  while (total < accepted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    total = await api.total();
  }
  // Reported as not visible either way: the count was short when the last 250 had arrived.
  return { accepted, total: first, allVisible: false, ...(total !== first ? { totalAfter2s: total } : {}) };
}

async function fetchSample(
  api: ApiClient,
  ids: readonly string[],
): Promise<{ asked: number; found: number }> {
  const asked = Math.min(SAMPLED_IDS, ids.length);
  let found = 0;
  for (let i = 0; i < asked; i++) {
    const id = ids[Math.floor((i * ids.length) / asked)] as string;
    const response = await api.get(`api/v1/message/${encodeURIComponent(id)}/raw`);
    if (response.status === 200) found++;
  }
  return { asked, found };
}
