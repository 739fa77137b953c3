/**
 * The DESIGN.md §5 latency probes: the time from reading a message's `250` reply to
 * - its WebSocket `new` frame (event probes), or
 * - the answer to a `GET /api/v1/message/latest?query=to:<its own address>&wait=10s` request
 *   that was already waiting when the message was sent (wait probes, one waiter at a time, or
 *   many waiters released by a burst of messages).
 * Probes go one at a time on their own connection, like visibility probes (probe.ts).
 */
import { performance } from 'node:perf_hooks';
import type { ApiClient, ApiResponse } from './api-client.ts';
import type { EventWatcher } from './events.ts';
import { runLoad } from './load.ts';
import type { MessageTemplate } from './mail.ts';
import { queuedId, type SmtpConnection, type Transaction } from './smtp-client.ts';

/** An event or answer this long after its 250 counts as missing. */
const GIVE_UP_MS = 5_000;
/** The `wait` asked for: well beyond any expected latency, short enough to end a stuck run. */
export const WAIT_PARAM = '10s';
/**
 * Between sending a `wait` request and the message that releases it: time for the request to
 * reach catchall and be registered, so the probe measures a pending wait (not one answered from
 * the store because the message was already there).
 */
export const WAIT_REGISTER_MS = 20;

export interface LatencyOutcome {
  /** 250 → event / answer per probe, ms; negative when the event was read before the 250. */
  readonly latencyMs: Float64Array;
  /**
   * The same probes timed from the moment their final "." was written: to the 250, and to the
   * event / answer. Shows how the two race (the 250 reading is the §5 clock).
   */
  readonly fromDataMs: { readonly reply: Float64Array; readonly answer: Float64Array };
  /** Probes answered 250 (the rest count as errors). */
  readonly accepted: number;
  readonly errors: number;
  /** Accepted probes whose event / answer never came (within GIVE_UP_MS), or came wrong. */
  readonly missing: number;
  /** Wait probes answered before their message was sent (a waiter released by the wrong message). */
  readonly answeredEarly: number;
  readonly errorSamples: readonly string[];
}

export interface LatencyProbeSpec {
  readonly connection: SmtpConnection;
  /** Message `i` is addressed to `addressOf(i)` (see buildTemplate's `to`). */
  readonly template: MessageTemplate;
  readonly addressOf: (index: number) => string;
  readonly count: number;
  readonly firstIndex: number;
  /** Pause between one probe's answer and the next probe. */
  readonly gapMs: number;
}

class Tally {
  readonly samples: number[] = [];
  readonly dataToReply: number[] = [];
  readonly dataToAnswer: number[] = [];
  readonly errorSamples: string[] = [];
  accepted = 0;
  errors = 0;
  missing = 0;
  answeredEarly = 0;

  note(problem: string): void {
    if (this.errorSamples.length < 5) this.errorSamples.push(problem);
  }

  /** The ID from a probe's reply, or null (counted as an error). */
  accept(result: Transaction): string | null {
    const id = result.code === 250 ? queuedId(result.text) : null;
    if (id === null) {
      this.errors++;
      this.note(`${result.code} ${result.text}`);
      return null;
    }
    this.accepted++;
    return id;
  }

  /** One measured probe: its reply and when its event / answer was read. */
  sample(result: Transaction, answeredAt: number): void {
    this.samples.push(answeredAt - result.at);
    if (result.sentAt !== null) {
      this.dataToReply.push(result.at - result.sentAt);
      this.dataToAnswer.push(answeredAt - result.sentAt);
    }
  }

  outcome(): LatencyOutcome {
    return {
      latencyMs: Float64Array.from(this.samples),
      fromDataMs: {
        reply: Float64Array.from(this.dataToReply),
        answer: Float64Array.from(this.dataToAnswer),
      },
      accepted: this.accepted,
      errors: this.errors,
      missing: this.missing,
      answeredEarly: this.answeredEarly,
      errorSamples: this.errorSamples,
    };
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Event probes: send, read the 250, and take the arrival time of the message's `new` frame. */
export async function runEventProbes(spec: LatencyProbeSpec, events: EventWatcher): Promise<LatencyOutcome> {
  const tally = new Tally();
  for (let i = 0; i < spec.count; i++) {
    if (i > 0 && spec.gapMs > 0) await pause(spec.gapMs);
    const result = await spec.connection.send(spec.template, spec.firstIndex + i);
    const id = tally.accept(result);
    if (id === null) continue;
    const at = await events.arrival(id, GIVE_UP_MS);
    if (at === null) {
      tally.missing++;
      tally.note(`no "new" event for ${id} within ${GIVE_UP_MS} ms`);
    } else {
      tally.sample(result, at);
    }
  }
  return tally.outcome();
}

/** The waiting request for messages to `address`. */
export function waitFor(waits: ApiClient, address: string): Promise<ApiResponse> {
  const query = encodeURIComponent(`to:${address}`);
  return waits.get(`api/v1/message/latest?query=${query}&wait=${WAIT_PARAM}`);
}

/** Whether a wait answer is the expected message; otherwise why not. */
function answerProblem(response: ApiResponse, id: string): string | null {
  if (response.status !== 200) {
    return `wait for ${id}: HTTP ${response.status} ${response.body.toString('utf8').slice(0, 120)}`;
  }
  const got = (JSON.parse(response.body.toString('utf8')) as { ID?: unknown }).ID;
  return got === id ? null : `wait for ${id} answered with message ${String(got)}`;
}

/**
 * Wait probes: start a waiting request for the probe's own address, give it WAIT_REGISTER_MS to
 * be registered, send the probe, and time from its 250 to the complete answer.
 */
export async function runWaitProbes(spec: LatencyProbeSpec, waits: ApiClient): Promise<LatencyOutcome> {
  const tally = new Tally();
  for (let i = 0; i < spec.count; i++) {
    if (i > 0 && spec.gapMs > 0) await pause(spec.gapMs);
    const index = spec.firstIndex + i;
    let answeredAt: number | null = null;
    const answer = waitFor(waits, spec.addressOf(index)).then((response) => {
      answeredAt = performance.now();
      return response;
    });
    await pause(WAIT_REGISTER_MS);
    if (answeredAt !== null) {
      // Answered before its message was sent: a bug (or a leftover message with that address).
      tally.answeredEarly++;
      tally.note(`wait for probe ${index} answered before the probe was sent`);
    }
    const result = await spec.connection.send(spec.template, index);
    const id = tally.accept(result);
    if (id === null || answeredAt !== null) continue;
    const response = await withTimeout(answer, GIVE_UP_MS + 10_000);
    if (response === null) {
      tally.missing++;
      tally.note(`wait for ${id} did not answer`);
      continue;
    }
    const problem = answerProblem(response, id);
    if (problem) {
      tally.missing++;
      tally.note(problem);
      continue;
    }
    tally.sample(result, response.endAt);
  }
  return tally.outcome();
}

export interface WaitersSpec {
  /** Connections the releasing burst is sent over (as fast as the server answers). */
  readonly connections: readonly SmtpConnection[];
  readonly template: MessageTemplate;
  readonly addressOf: (index: number) => string;
  readonly waiters: number;
  readonly firstIndex: number;
}

export interface WaitersOutcome extends LatencyOutcome {
  /** From the last waiting request sent to the burst's first write (the waiters settling in), ms. */
  readonly settleMs: number;
  /** From the burst's first write to its last 250, and to the last answer, ms. */
  readonly burstMs: number;
  readonly lastAnswerMs: number;
}

/**
 * `waiters` requests wait at once, each for its own address; then one message per address is
 * sent over all connections as fast as the server answers, and each waiter's latency is taken
 * from its own message's 250 to its answer.
 */
export async function runWaiters(spec: WaitersSpec, waits: ApiClient): Promise<WaitersOutcome> {
  const tally = new Tally();
  const answers = new Map<number, { response: Promise<ApiResponse>; settledEarly: boolean }>();
  let bursting = false;
  for (let k = 0; k < spec.waiters; k++) {
    const index = spec.firstIndex + k;
    const entry = { response: waitFor(waits, spec.addressOf(index)), settledEarly: false };
    void entry.response.then(
      () => (entry.settledEarly ||= !bursting),
      () => undefined,
    );
    answers.set(index, entry);
  }
  // Every request on its own socket needs to reach the server and be registered.
  const settleMs = Math.max(300, spec.waiters * 2);
  await pause(settleMs);
  bursting = true;
  const replies = new Map<number, Transaction>();
  const t0 = performance.now();
  const burst = await runLoad({
    connections: spec.connections,
    template: spec.template,
    messages: spec.waiters,
    firstIndex: spec.firstIndex,
    onReply: (index, result) => replies.set(index, result),
  });
  let lastAnswer = t0;
  for (const [index, entry] of answers) {
    if (entry.settledEarly) {
      tally.answeredEarly++;
      tally.note(`waiter ${index} answered before the burst`);
    }
    const result = replies.get(index);
    const response = await withTimeout(entry.response, GIVE_UP_MS + 10_000);
    if (!result) {
      tally.errors++;
      continue;
    }
    const id = tally.accept(result);
    if (id === null) continue;
    if (response === null) {
      tally.missing++;
      tally.note(`waiter for ${id} did not answer`);
      continue;
    }
    lastAnswer = Math.max(lastAnswer, response.endAt);
    const problem = answerProblem(response, id);
    if (problem) {
      tally.missing++;
      tally.note(problem);
      continue;
    }
    tally.sample(result, response.endAt);
  }
  return {
    ...tally.outcome(),
    settleMs,
    burstMs: burst.seconds * 1000,
    lastAnswerMs: lastAnswer - t0,
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
