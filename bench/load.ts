/**
 * The load generator: C persistent connections share one counter of messages to send, so
 * exactly N are attempted however the connections' speeds differ. Optionally paced to a rate,
 * or open-ended until stopped (for the latency probes).
 */
import { performance } from 'node:perf_hooks';
import { CpuMeter, type CpuShare } from './cpu.ts';
import type { MessageTemplate } from './mail.ts';
import { queuedId, type SmtpConnection, type Transaction } from './smtp-client.ts';

export interface LoadSpec {
  readonly connections: readonly SmtpConnection[];
  readonly template: MessageTemplate;
  /** Messages to attempt; Infinity to run until `stop` is set. */
  readonly messages: number;
  /** First message index (keeps Message-IDs unique across phases of one run). */
  readonly firstIndex: number;
  /** Messages per second over all connections; 0 or absent = as fast as the server answers. */
  readonly ratePerSecond?: number;
  readonly stop?: { stopped: boolean };
  /** Called with every transaction's outcome (e.g. to time something from each 250). */
  readonly onReply?: (index: number, result: Transaction) => void;
}

export interface LoadOutcome {
  readonly attempted: number;
  /** Transactions answered 250. */
  readonly accepted: number;
  /** Transactions answered otherwise, or lost with their connection. */
  readonly errors: number;
  /** Up to 5 distinct error replies, for the report. */
  readonly errorSamples: readonly string[];
  /** Stored bytes of the accepted messages. */
  readonly bytes: number;
  /** From the first write to the last reply. */
  readonly seconds: number;
  /** Per accepted message: from writing MAIL FROM to its 250, in ms. */
  readonly transactionMs: Float64Array;
  readonly ids: readonly string[];
  /** Accepted messages per second in consecutive windows of TIMELINE_MS (shows warm-up and stalls). */
  readonly timeline: readonly number[];
}

export const TIMELINE_MS = 500;

export async function runLoad(spec: LoadSpec): Promise<LoadOutcome> {
  const { template, messages } = spec;
  const rate = spec.ratePerSecond ?? 0;
  const stop = spec.stop ?? { stopped: false };
  const transactionMs: number[] = [];
  const ids: string[] = [];
  const errorSamples = new Set<string>();
  let next = 0;
  let accepted = 0;
  let errors = 0;
  let bytes = 0;
  let lastAt = 0;

  const buckets: number[] = [];
  const t0 = performance.now();
  const worker = async (connection: SmtpConnection) => {
    while (!stop.stopped) {
      const k = next++;
      if (k >= messages) break;
      if (rate > 0) {
        const wait = t0 + (k * 1000) / rate - performance.now();
        if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
      }
      const index = spec.firstIndex + k;
      const started = performance.now();
      try {
        const result = await connection.send(template, index);
        spec.onReply?.(index, result);
        lastAt = Math.max(lastAt, result.at);
        if (result.code === 250) {
          accepted++;
          bytes += template.storedSize(index);
          transactionMs.push(result.at - started);
          const bucket = Math.floor((result.at - t0) / TIMELINE_MS);
          buckets[bucket] = (buckets[bucket] ?? 0) + 1;
          const id = queuedId(result.text);
          if (id) ids.push(id);
        } else {
          errors++;
          if (errorSamples.size < 5) errorSamples.add(`${result.code} ${result.text}`);
        }
      } catch (error) {
        // The connection is gone: this transaction failed and this worker stops.
        errors++;
        lastAt = Math.max(lastAt, performance.now());
        if (errorSamples.size < 5) errorSamples.add((error as Error).message);
        return;
      }
    }
  };
  await Promise.all(spec.connections.map(worker));
  return {
    attempted: accepted + errors,
    accepted,
    errors,
    errorSamples: [...errorSamples],
    bytes,
    seconds: (Math.max(lastAt, t0) - t0) / 1000,
    transactionMs: Float64Array.from(transactionMs),
    ids,
    timeline: Array.from(buckets, (n) => ((n ?? 0) * 1000) / TIMELINE_MS),
  };
}

/**
 * Runs `probe` with the server's CPU metered, over background load on `connections` unless
 * `ratePerSecond` is null (idle): 0 is as fast as the server answers. The load starts 300 ms
 * before the probes so that it has reached its steady state, and stops when they are done.
 */
export async function probeUnderLoad<T>(
  spec: {
    readonly pid: number;
    readonly connections: readonly SmtpConnection[];
    readonly template: MessageTemplate;
    readonly ratePerSecond: number | null;
  },
  probe: () => Promise<T>,
): Promise<{ result: T; load: LoadOutcome | null; cpu: CpuShare }> {
  const meter = new CpuMeter(spec.pid);
  const stop = { stopped: false };
  const loading =
    spec.ratePerSecond === null
      ? null
      : runLoad({
          connections: spec.connections,
          template: spec.template,
          messages: Infinity,
          firstIndex: 1_000_000,
          stop,
          ratePerSecond: spec.ratePerSecond,
        });
  if (loading) await new Promise((r) => setTimeout(r, 300));
  meter.reset();
  let result: T;
  try {
    result = await probe();
  } finally {
    stop.stopped = true;
  }
  const cpu = meter.read();
  return { result, load: loading ? await loading : null, cpu };
}
