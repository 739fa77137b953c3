/**
 * One run of the DESIGN.md §5 latency scenarios, each on its own fresh server (see latency.ts):
 * - event: 250 → WebSocket `new` frame, idle or under a paced load;
 * - wait: 250 → answer of a pending `GET /api/v1/message/latest?query=to:…&wait=10s`, idle or
 *   under a paced load;
 * - waiters: many pending waits at once, released by a burst of as many messages.
 */
import { ApiClient } from './api-client.ts';
import { CpuMeter, type CpuShare } from './cpu.ts';
import { EventWatcher } from './events.ts';
import {
  runEventProbes,
  runWaiters,
  runWaitProbes,
  type LatencyOutcome,
  type LatencyProbeSpec,
} from './latency.ts';
import { probeUnderLoad, runLoad } from './load.ts';
import { buildTemplate } from './mail.ts';
import {
  checkVisible,
  openConnections,
  runTag,
  withServer,
  type ServerFacts,
  type VisibilityCheck,
} from './scenarios.ts';
import { SmtpConnection } from './smtp-client.ts';
import { distribution, round, type Distribution } from './stats.ts';

/** Pause between probes, so an idle probe finds the server idle (as for visibility probes). */
const PROBE_GAP_MS = 10;
/** Unmeasured probes first, so the probe path (connection, route, JIT) is as warm as the load. */
const WARM_PROBES = 10;

export type LatencyKind = 'event' | 'wait';

export interface LatencyParams {
  readonly kind: LatencyKind;
  readonly mode: 'idle' | 'paced';
  readonly size: number;
  readonly probes: number;
  readonly connections: number;
  readonly warmup: number;
  /** msg/s of the background load for mode "paced". */
  readonly rate: number;
  readonly serverArgs: readonly string[];
}

export interface LatencyRun extends ServerFacts, VisibilityCheck {
  readonly latencyMs: Distribution;
  readonly samples: Float64Array;
  /** From writing each probe's final "." to its 250 and to its event / answer. */
  readonly fromData: { readonly replyMs: Distribution; readonly answerMs: Distribution };
  readonly fromDataSamples: LatencyOutcome['fromDataMs'];
  readonly probes: number;
  /** Accepted probes whose event / answer did not come (or came with another message). */
  readonly missing: number;
  /** Wait probes answered before their message was sent. */
  readonly answeredEarly: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly loadMessagesPerSecond: number | null;
  readonly loadErrors: number;
  readonly cpu: CpuShare;
  /** Event runs: `new` frames for distinct messages vs messages accepted while connected. */
  readonly events?: {
    readonly announced: number;
    readonly expected: number;
    readonly frames: Record<string, number>;
    readonly closedEarly: string | null;
  };
}

export interface WaitersParams {
  readonly waiters: number;
  readonly size: number;
  readonly connections: number;
  readonly warmup: number;
  readonly serverArgs: readonly string[];
}

export interface WaitersRun extends ServerFacts, VisibilityCheck {
  readonly latencyMs: Distribution;
  readonly samples: Float64Array;
  readonly waiters: number;
  readonly released: number;
  readonly missing: number;
  readonly answeredEarly: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly settleMs: number;
  readonly burstMs: number;
  readonly lastAnswerMs: number;
  readonly cpu: CpuShare;
}

const probeAddress = (tag: string) => (index: number) => `p${index}.${tag}@probe.catchall.test`;

export async function latencyRun(p: LatencyParams): Promise<LatencyRun> {
  return withServer(p.serverArgs, async (server, api) => {
    const tag = runTag();
    const template = buildTemplate(p.size, tag);
    const addressOf = probeAddress(tag);
    const probeTemplate = buildTemplate(p.size, tag, addressOf);
    const events = p.kind === 'event' ? await EventWatcher.open(server.httpUrl) : null;
    // The waiting requests get their own sockets, so they never queue behind other API calls.
    const waits = new ApiClient(server.httpUrl, 4);
    const connections = await openConnections(server.smtpPort, p.connections);
    const probeConnection = await SmtpConnection.open(server.smtpPort);
    try {
      const warm = await runLoad({ connections, template, messages: p.warmup, firstIndex: 0 });
      const spec = (count: number, firstIndex: number): LatencyProbeSpec => ({
        connection: probeConnection,
        template: probeTemplate,
        addressOf,
        count,
        firstIndex,
        gapMs: PROBE_GAP_MS,
      });
      const probe = (s: LatencyProbeSpec): Promise<LatencyOutcome> =>
        events ? runEventProbes(s, events) : runWaitProbes(s, waits);
      const warmProbes = await probe(spec(WARM_PROBES, 2_000_000));

      const {
        result: probes,
        load,
        cpu,
      } = await probeUnderLoad(
        { pid: server.pid, connections, template, ratePerSecond: p.mode === 'idle' ? null : p.rate },
        () => probe(spec(p.probes, p.warmup)),
      );
      const accepted = warm.accepted + warmProbes.accepted + probes.accepted + (load?.accepted ?? 0);
      const check = await checkVisible(api, accepted);
      const announced = events ? await events.announcedAtLeast(accepted, 2000) : 0;
      return {
        ...check,
        latencyMs: distribution(probes.latencyMs),
        samples: probes.latencyMs,
        fromData: {
          replyMs: distribution(probes.fromDataMs.reply),
          answerMs: distribution(probes.fromDataMs.answer),
        },
        fromDataSamples: probes.fromDataMs,
        probes: probes.accepted + probes.errors,
        missing: probes.missing,
        answeredEarly: probes.answeredEarly,
        errors: probes.errors + warmProbes.errors + warmProbes.missing + warmProbes.answeredEarly,
        errorSamples: [...warmProbes.errorSamples, ...probes.errorSamples, ...(load?.errorSamples ?? [])],
        loadMessagesPerSecond: load && load.seconds > 0 ? round(load.accepted / load.seconds, 0) : null,
        loadErrors: load?.errors ?? 0,
        cpu,
        ...(events
          ? {
              events: {
                announced,
                expected: accepted,
                frames: { ...events.frames },
                closedEarly: events.closedEarly,
              },
            }
          : {}),
      };
    } finally {
      events?.close();
      waits.close();
      await Promise.all([...connections, probeConnection].map((c) => c.quit()));
    }
  });
}

export async function waitersRun(p: WaitersParams): Promise<WaitersRun> {
  return withServer(p.serverArgs, async (server, api) => {
    const tag = runTag();
    const template = buildTemplate(p.size, tag);
    const addressOf = probeAddress(tag);
    const probeTemplate = buildTemplate(p.size, tag, addressOf);
    const waits = new ApiClient(server.httpUrl, p.waiters + 10);
    const connections = await openConnections(server.smtpPort, p.connections);
    try {
      const warm = await runLoad({ connections, template, messages: p.warmup, firstIndex: 0 });
      // Warm the wait path with a few single waiters first (unmeasured).
      const probeConnection = connections[0] as SmtpConnection;
      const warmProbes = await runWaitProbes(
        {
          connection: probeConnection,
          template: probeTemplate,
          addressOf,
          count: WARM_PROBES,
          firstIndex: 2_000_000,
          gapMs: PROBE_GAP_MS,
        },
        waits,
      );
      const meter = new CpuMeter(server.pid);
      const outcome = await runWaiters(
        { connections, template: probeTemplate, addressOf, waiters: p.waiters, firstIndex: p.warmup },
        waits,
      );
      const cpu = meter.read();
      const check = await checkVisible(api, warm.accepted + warmProbes.accepted + outcome.accepted);
      return {
        ...check,
        latencyMs: distribution(outcome.latencyMs),
        samples: outcome.latencyMs,
        waiters: p.waiters,
        released: outcome.latencyMs.length,
        missing: outcome.missing,
        answeredEarly: outcome.answeredEarly,
        errors: outcome.errors + warmProbes.errors + warmProbes.missing + warmProbes.answeredEarly,
        errorSamples: [...warmProbes.errorSamples, ...outcome.errorSamples],
        settleMs: outcome.settleMs,
        burstMs: round(outcome.burstMs, 1),
        lastAnswerMs: round(outcome.lastAnswerMs, 1),
        cpu,
      };
    } finally {
      waits.close();
      await Promise.all(connections.map((c) => c.quit()));
    }
  });
}
