/**
 * The store scenario (DESIGN.md §5: "List and search with 100,000 stored messages: under 50 ms
 * per page. Memory under 200 MB resident with 100,000 stored messages"): fill a fresh server
 * with N varied ~2 KB messages (corpus.ts) as fast as it answers, mark the newsletters read,
 * then time list and search pages (each query repeated), read catchall's memory, and finally
 * restart catchall on the filled database to time startup and the first page after it.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApiClient } from './api-client.ts';
import { buildCorpus, COMMON_WORD } from './corpus.ts';
import { CpuMeter, processMemoryMb, type CpuShare, type Quiet } from './cpu.ts';
import { runLoad } from './load.ts';
import { checkVisible, openConnections, runTag, type VisibilityCheck } from './scenarios.ts';
import { startServer, type BenchServer } from './server.ts';
import { percentile, round } from './stats.ts';

/**
 * How long the store scenario leaves catchall idle before its last memory reading: V8's memory
 * reducer starts 8 s after allocation slows down (--gc-memory-reducer-start-delay-ms=8000), then
 * runs a few GCs that shrink the heap; 15 s lets it finish.
 */
export const IDLE_MS = 15_000;

export interface StoreParams {
  readonly messages: number;
  readonly connections: number;
  /** Times each query is asked (the first is reported apart as `firstMs`). */
  readonly repeat: number;
  readonly serverArgs: readonly string[];
}

export interface QueryTiming {
  readonly name: string;
  /** The request (for the per-recipient queries: the first one asked). */
  readonly request: string;
  /** `messages_count` of the answer (1 for `latest`): how selective the query is. */
  readonly matches: number;
  /** Response body size of the first answer. */
  readonly bytes: number;
  /** The first time the query was asked (a cold cache and a first-seen query shape). */
  readonly firstMs: number;
  /** Over all repetitions but the first: from sending the request to the end of the body. */
  readonly ms: { count: number; min: number; p50: number; p95: number; max: number };
  /** Answers other than 200. */
  readonly failures: number;
}

export interface MemoryReading {
  /** VmRSS of the catchall process (all threads), MB; and VmHWM (peak so far). */
  readonly rssMb: number | null;
  readonly peakRssMb: number | null;
  /** /api/v1/info RuntimeStats.Memory (process.memoryUsage.rss()), MB. */
  readonly infoMemoryMb?: number;
}

export interface StoreRun extends VisibilityCheck {
  readonly messages: number;
  readonly fill: {
    readonly messagesPerSecond: number;
    readonly seconds: number;
    readonly megabytesStored: number;
    readonly errors: number;
    readonly errorSamples: readonly string[];
    readonly cpu: CpuShare;
    /** Accepted msg/s per 500 ms window: does ingest slow down as the store grows? */
    readonly timeline: readonly number[];
  };
  /** `PUT /api/v1/messages {"Read":true,"Search":"subject:newsletter"}`. */
  readonly markRead: { readonly ms: number; readonly status: number; readonly unreadAfter: number };
  readonly queries: readonly QueryTiming[];
  readonly queriesCpu: CpuShare;
  readonly memory: {
    readonly afterStart: MemoryReading;
    readonly afterFill: MemoryReading;
    readonly afterQueries: MemoryReading;
    /** After IDLE_MS without requests: what V8's memory reducer gives back once a burst is over. */
    readonly afterIdle: MemoryReading;
  };
  /** Database file + WAL after the fill (bytes), and as /api/v1/info reports it after the queries. */
  readonly databaseBytes: number;
  readonly infoDatabaseSize: number;
  readonly restart: {
    readonly startupMs: number;
    /** Right after the restart, and after each query was asked once more. */
    readonly memory: MemoryReading;
    readonly memoryAfterQueries: MemoryReading;
    readonly firstListMs: number;
    readonly firstSearchMs: number;
    readonly total: number;
  };
  readonly startupMs: number;
  readonly exitCodes: readonly (number | null)[];
  readonly problems: readonly string[];
  /** With --wait-quiet: the machine's CPU use before the run started, and the wait. */
  readonly quietBefore?: Quiet;
}

interface Info {
  Messages: number;
  Unread: number;
  DatabaseSize: number;
  RuntimeStats: { Memory: number };
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

async function memory(server: BenchServer, api: ApiClient): Promise<MemoryReading> {
  const info = await api.json<Info>('api/v1/info');
  const proc = processMemoryMb(server.pid);
  return {
    rssMb: proc?.rssMb ?? null,
    peakRssMb: proc?.peakRssMb ?? null,
    infoMemoryMb: mb(info.RuntimeStats.Memory),
  };
}

async function timed(api: ApiClient, path: string): Promise<{ ms: number; status: number; body: Buffer }> {
  const t0 = performance.now();
  const response = await api.get(path);
  return { ms: response.endAt - t0, status: response.status, body: response.body };
}

export async function storeRun(p: StoreParams): Promise<StoreRun> {
  const template = buildCorpus(runTag());
  const problems = new Set<string>();
  const exitCodes: (number | null)[] = [];
  let server: BenchServer | null = await startServer(p.serverArgs);
  const dir = server.dir;
  let api = new ApiClient(server.httpUrl);
  try {
    const startupMs = round(server.startupMs, 0);
    const afterStart = await memory(server, api);

    // Fill.
    const connections = await openConnections(server.smtpPort, p.connections);
    const meter = new CpuMeter(server.pid);
    const load = await runLoad({ connections, template, messages: p.messages, firstIndex: 0 });
    const fillCpu = meter.read();
    const check = await checkVisible(api, load.accepted);
    await Promise.all(connections.map((c) => c.quit()));
    const afterFill = await memory(server, api);
    const databaseBytes = server.databaseBytes();

    // Some mail read, so that is:read / -is:read select something.
    const t0 = performance.now();
    const marked = await api.request('PUT', 'api/v1/messages', { Read: true, Search: 'subject:newsletter' });
    const markRead = {
      ms: round(performance.now() - t0, 1),
      status: marked.status,
      unreadAfter: (await api.json<Info>('api/v1/info')).Unread,
    };

    // Queries.
    const recipient = (i: number) =>
      encodeURIComponent(`to:${template.recipients[(i * 37) % template.recipients.length]}`);
    const deep = Math.floor(p.messages / 2);
    const last = Math.max(0, p.messages - 50);
    const queries: { name: string; path: (i: number) => string }[] = [
      { name: 'list, first page', path: () => 'api/v1/messages?limit=50' },
      { name: `list, page at start=${deep}`, path: () => `api/v1/messages?limit=50&start=${deep}` },
      {
        name: `list, last page (start=${last})`,
        path: () => `api/v1/messages?limit=50&start=${last}`,
      },
      { name: 'search to:<one of 1,000 recipients>', path: (i) => `api/v1/search?query=${recipient(i)}` },
      { name: `search ${COMMON_WORD} (common word)`, path: () => `api/v1/search?query=${COMMON_WORD}` },
      {
        name: 'search subject:veri (prefix)',
        path: () => `api/v1/search?query=${encodeURIComponent('subject:veri')}`,
      },
      {
        name: `search -${COMMON_WORD} (negated word)`,
        path: () => `api/v1/search?query=${encodeURIComponent(`-${COMMON_WORD}`)}`,
      },
      {
        name: 'search -is:read has:attachment',
        path: () => `api/v1/search?query=${encodeURIComponent('-is:read has:attachment')}`,
      },
      {
        name: 'latest ?query=to:<one recipient>',
        path: (i) => `api/v1/message/latest?query=${recipient(i)}`,
      },
    ];
    meter.reset();
    const timings: QueryTiming[] = [];
    for (const q of queries) {
      const first = await timed(api, q.path(0));
      let matches = 0;
      if (first.status === 200) {
        const json = JSON.parse(first.body.toString('utf8')) as { messages_count?: number };
        matches = json.messages_count ?? 1;
      }
      const samples: number[] = [];
      let failures = first.status === 200 ? 0 : 1;
      for (let i = 1; i < p.repeat; i++) {
        const r = await timed(api, q.path(i));
        if (r.status !== 200) failures++;
        samples.push(r.ms);
      }
      const sorted = Float64Array.from(samples).sort();
      timings.push({
        name: q.name,
        request: `GET /${decodeURIComponent(q.path(0))}`,
        matches,
        bytes: first.body.length,
        firstMs: round(first.ms, 2),
        ms: {
          count: sorted.length,
          min: round(sorted[0] ?? NaN, 2),
          p50: round(percentile(sorted, 50), 2),
          p95: round(percentile(sorted, 95), 2),
          max: round(sorted[sorted.length - 1] ?? NaN, 2),
        },
        failures,
      });
    }
    const queriesCpu = meter.read();
    const afterQueries = await memory(server, api);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const afterIdle = await memory(server, api);
    const infoDatabaseSize = (await api.json<Info>('api/v1/info')).DatabaseSize;

    // Restart on the filled database.
    api.close();
    for (const line of server.problems()) problems.add(line);
    exitCodes.push((await server.stop({ keep: true })).code);
    server = null;
    server = await startServer(p.serverArgs, { reuse: dir });
    api = new ApiClient(server.httpUrl);
    const restartMemory = processMemoryMb(server.pid);
    const list = await timed(api, 'api/v1/messages?limit=50');
    const search = await timed(api, `api/v1/search?query=${recipient(1)}`);
    // Every query once more: memory with the data at rest, without the fill's working set.
    for (const q of queries) await timed(api, q.path(2));
    const restart = {
      startupMs: round(server.startupMs, 0),
      memory: { rssMb: restartMemory?.rssMb ?? null, peakRssMb: restartMemory?.peakRssMb ?? null },
      firstListMs: round(list.ms, 2),
      firstSearchMs: round(search.ms, 2),
      total: (JSON.parse(list.body.toString('utf8')) as { total: number }).total,
      memoryAfterQueries: await memory(server, api),
    };

    api.close();
    for (const line of server.problems()) problems.add(line);
    exitCodes.push((await server.stop()).code);
    server = null;
    return {
      ...check,
      messages: p.messages,
      fill: {
        messagesPerSecond: load.seconds > 0 ? round(load.accepted / load.seconds, 0) : 0,
        seconds: round(load.seconds, 1),
        megabytesStored: round(load.bytes / 1e6, 1),
        errors: load.errors,
        errorSamples: load.errorSamples,
        cpu: fillCpu,
        timeline: load.timeline,
      },
      markRead,
      queries: timings,
      queriesCpu,
      memory: { afterStart, afterFill, afterQueries, afterIdle },
      databaseBytes,
      infoDatabaseSize,
      restart,
      startupMs,
      exitCodes,
      problems: [...problems],
    };
  } finally {
    // On failure: stop whatever still runs and remove the database folder (also when kept).
    api.close();
    if (server) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
