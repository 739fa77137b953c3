/** Result records and table rows of the event, wait and waiters scenarios (latency-scenarios.ts). */
import type { LatencyKind, LatencyRun, WaitersRun } from './latency-scenarios.ts';
import { WAIT_PARAM, WAIT_REGISTER_MS } from './latency.ts';
import { sizeLabel } from './mail.ts';
import type { BenchOptions } from './options.ts';
import {
  ms,
  probeParameters,
  otherCpuText,
  plain,
  thousands,
  type Environment,
  type ResultRecord,
  type TableRow,
} from './report.ts';
import { distribution, median } from './stats.ts';
import { IDLE_P50_MS, IDLE_P99_MS, PACED_P99_MS, PACED_RATE, PROBE_SIZE } from './targets.ts';

export interface LatencyMode {
  readonly kind: LatencyKind;
  readonly mode: 'idle' | 'paced';
  readonly label: string;
}

/** Two decimals below 10 ms (event latencies are often a fraction of a millisecond, or negative). */
const fine = (x: number): string => (Math.abs(x) < 10 ? x.toFixed(2) : ms(x));

const WHAT: Record<LatencyKind, string> = {
  event: 'the WebSocket {"Type":"new"} frame of the message arriving on a client connected to /api/events',
  wait:
    `the complete answer of GET /api/v1/message/latest?query=to:<the probe's own address>&wait=${WAIT_PARAM}, ` +
    `sent ${WAIT_REGISTER_MS} ms before the probe`,
};

export function latencyResult(
  m: LatencyMode,
  runs: readonly LatencyRun[],
  options: BenchOptions,
  env: Environment,
): [ResultRecord, TableRow] {
  const samples = runs.flatMap((r) => [...r.samples]);
  const pooled = distribution(samples);
  const fromData = {
    replyMs: distribution(runs.flatMap((r) => [...r.fromDataSamples.reply])),
    answerMs: distribution(runs.flatMap((r) => [...r.fromDataSamples.answer])),
  };
  const beforeReply = samples.filter((x) => x < 0).length;
  const missing = runs.reduce((n, r) => n + r.missing, 0);
  const early = runs.reduce((n, r) => n + r.answeredEarly, 0);
  const errors = runs.reduce((n, r) => n + r.errors + r.loadErrors, 0);
  const allVisible = runs.every((r) => r.allVisible);
  const eventsComplete = runs.every((r) => !r.events || r.events.announced >= r.events.expected);
  const correct = missing === 0 && early === 0 && errors === 0 && allVisible && eventsComplete;
  let latencyTarget: { p50?: number; p99: number } | null = null;
  if (m.mode === 'idle') latencyTarget = { p50: IDLE_P50_MS, p99: IDLE_P99_MS };
  if (m.mode === 'paced' && options.probeRate === PACED_RATE) latencyTarget = { p99: PACED_P99_MS };
  const latencyMet =
    latencyTarget === null ||
    ((latencyTarget.p50 === undefined || pooled.p50 < latencyTarget.p50) && pooled.p99 < latencyTarget.p99);
  const load = runs.map((r) => r.loadMessagesPerSecond).filter((x): x is number => x !== null);
  const record: ResultRecord = {
    bench: 'catchall',
    scenario: `${m.kind}-${m.mode}`,
    description:
      `${options.probes} ${sizeLabel(PROBE_SIZE)} probes sent one at a time on their own connection, each to its own address` +
      (m.mode === 'idle'
        ? ' while the server is otherwise idle'
        : ` while ${options.connections} other connections send ${options.probeRate} msg/s in all`) +
      `; time from reading each 250 to ${WHAT[m.kind]}`,
    params: {
      probes: options.probes,
      messageBytes: PROBE_SIZE,
      loadConnections: m.mode === 'idle' ? 0 : options.connections,
      loadRate: m.mode === 'paced' ? options.probeRate : 0,
      warmup: options.warmup,
      runs: options.runs,
      serverArgs: options.serverArgs.join(' '),
      ...(m.kind === 'wait' ? { wait: WAIT_PARAM, registerMs: WAIT_REGISTER_MS } : {}),
    },
    units: {
      latencyMs:
        m.kind === 'event'
          ? 'ms from reading the 250 to reading the "new" frame; negative: the frame came first'
          : 'ms from reading the 250 to the end of the 200 answer',
      fromData:
        'replyMs / answerMs: ms from writing the final "." of the probe to reading its 250 / its ' +
        (m.kind === 'event' ? 'event' : 'answer'),
      beforeReply: 'probes whose event was read before their 250',
      missing: 'accepted probes without an event / a correct answer within 5 s',
      answeredEarly: 'waits answered before their probe was sent',
      loadMessagesPerSecond: 'background load achieved, msg/s',
      cpu: '% of one core while probing: catchall, this benchmark, all other processes',
      ...(m.kind === 'event'
        ? { events: 'distinct messages announced by "new" frames vs messages accepted while connected' }
        : {}),
    },
    runs: runs.map(({ samples: _samples, fromDataSamples: _fromData, ...rest }) => plain(rest)),
    median: {
      latencyMs: pooled,
      pooledOver: 'all runs (percentiles of every probe); per-run figures in runs',
      fromData,
      beforeReply,
      missing,
      answeredEarly: early,
      ...(load.length > 0 ? { loadMessagesPerSecond: median(load) } : {}),
    },
    target: {
      everyProbeAnswered: true,
      ...(latencyTarget === null ? {} : { latencyMs: latencyTarget }),
      source: 'DESIGN.md §5',
    },
    met: correct && latencyMet,
    environment: env,
    timestamp: new Date().toISOString(),
  };
  const problems = [
    ...(missing > 0 ? [`${missing} missing`] : []),
    ...(early > 0 ? [`${early} answered early`] : []),
    ...(errors > 0 ? [`${errors} errors`] : []),
    ...(allVisible ? [] : ['total != accepted']),
    ...(eventsComplete ? [] : ['events lost']),
  ];
  const row: TableRow = {
    scenario: m.label,
    parameters: probeParameters(options.probes, m.mode, options.connections, load),
    runs: 'p99 ' + runs.map((r) => fine(r.latencyMs.p99)).join(' / ') + ' ms',
    result:
      `p50 ${fine(pooled.p50)} ms, p99 ${fine(pooled.p99)} ms, min ${fine(pooled.min)}, max ${fine(pooled.max)} ms` +
      (m.kind === 'event'
        ? `; ${beforeReply}/${pooled.count} before the 250 (p50 "."→250 ${fine(fromData.replyMs.p50)}, ` +
          `"."→event ${fine(fromData.answerMs.p50)} ms)`
        : '') +
      (problems.length > 0
        ? `; ${problems.join(', ')}`
        : m.kind === 'event'
          ? ', none lost'
          : ', all answered'),
    target: [
      ...(latencyTarget?.p50 !== undefined ? [`p50 < ${latencyTarget.p50} ms`] : []),
      ...(latencyTarget ? [`p99 < ${latencyTarget.p99} ms`] : []),
      m.kind === 'event' ? 'no event lost' : 'all answered',
    ].join(', '),
    otherCpu: otherCpuText(runs),
    met: record.met,
  };
  return [record, row];
}

export function waitersResult(
  runs: readonly WaitersRun[],
  options: BenchOptions,
  env: Environment,
): [ResultRecord, TableRow] {
  const pooled = distribution(runs.flatMap((r) => [...r.samples]));
  const missing = runs.reduce((n, r) => n + r.missing, 0);
  const early = runs.reduce((n, r) => n + r.answeredEarly, 0);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const allVisible = runs.every((r) => r.allVisible);
  const released = runs.reduce((n, r) => n + r.released, 0);
  const burstRate = median(runs.map((r) => (r.burstMs > 0 ? (r.waiters * 1000) / r.burstMs : 0)));
  const record: ResultRecord = {
    bench: 'catchall',
    scenario: `wait-${options.waiters}-waiters`,
    description:
      `${options.waiters} requests GET /api/v1/message/latest?query=to:<own address>&wait=${WAIT_PARAM} wait at once; ` +
      `then ${options.waiters} ${sizeLabel(PROBE_SIZE)} messages, one per address, are sent over ` +
      `${options.connections} connections as fast as the server answers; time from each message's 250 to ` +
      "the end of its waiter's answer",
    params: {
      waiters: options.waiters,
      messageBytes: PROBE_SIZE,
      connections: options.connections,
      warmup: options.warmup,
      runs: options.runs,
      serverArgs: options.serverArgs.join(' '),
    },
    units: {
      latencyMs: "ms from reading a message's 250 to the end of its waiter's 200 answer",
      settleMs: 'pause between sending the waits and the burst (for them to be registered)',
      burstMs: 'first write of the burst to its last 250',
      lastAnswerMs: 'first write of the burst to the last answer',
      cpu: '% of one core from the waits to the last answer: catchall, this benchmark, all other processes',
    },
    runs: runs.map(({ samples: _samples, ...rest }) => plain(rest)),
    median: {
      latencyMs: pooled,
      pooledOver: 'all runs',
      released,
      missing,
      answeredEarly: early,
      burstMessagesPerSecond: Math.round(burstRate),
    },
    target: {
      everyWaiterReleasedByItsMessage: true,
      source: 'issue 3: safe with hundreds of concurrent waiters',
    },
    met:
      missing === 0 &&
      early === 0 &&
      errors === 0 &&
      allVisible &&
      released === runs.length * options.waiters,
    environment: env,
    timestamp: new Date().toISOString(),
  };
  const row: TableRow = {
    scenario: `${thousands(options.waiters)} waits released at once`,
    parameters: `${thousands(options.waiters)} waiters, ${options.connections} conns`,
    runs: 'p99 ' + runs.map((r) => ms(r.latencyMs.p99)).join(' / ') + ' ms',
    result:
      `p50 ${ms(pooled.p50)} ms, p99 ${ms(pooled.p99)} ms, max ${ms(pooled.max)} ms; ` +
      `burst at ${thousands(burstRate)} msg/s; ${released}/${runs.length * options.waiters} released` +
      (missing + early + errors > 0 ? `, ${missing} missing, ${early} early, ${errors} errors` : ''),
    target: 'each released by its own message',
    otherCpu: otherCpuText(runs),
    met: record.met,
  };
  return [record, row];
}
