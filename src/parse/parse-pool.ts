import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.ts';
import { parseSummary, quickSummary, unparsed, type SummaryResult } from './parse-summary.ts';
import type { WorkerRequest, WorkerResponse } from './parse-protocol.ts';

export interface SummaryParser {
  /** Never rejects: a message that cannot be parsed resolves with an empty summary and a problem. */
  parse(raw: Buffer): Promise<SummaryResult>;
  /**
   * The same result at once for simple mail small enough to parse inline (parse-summary.ts
   * quickSummary, ~50 µs for 2 KB); null for any other message, which needs parse().
   */
  quick(raw: Buffer): SummaryResult | null;
  close(): Promise<void>;
}

export interface ParserOptions {
  /** Worker threads for large messages; 0 parses everything on the calling thread. */
  readonly workers: number;
  /** Messages smaller than this are parsed on the calling thread (default 1 MiB). */
  readonly inlineBelowBytes?: number;
  /** A message whose parse takes longer is stored unparsed and its worker replaced. */
  readonly timeoutMs?: number;
  /** Heap limit of each worker, so a hostile message cannot take the whole process down. */
  readonly maxHeapMb?: number;
}

/**
 * 15 s: mailparser needs about 0.6 ms per 100 KB message here (bench/README.md), so a 50 MB
 * message takes well under a second; anything near 15 s is a pathological input.
 */
const DEFAULT_TIMEOUT_MS = 15_000;
/** A 50 MB message is buffered about three times over while parsing (raw, decoded, text). */
const DEFAULT_MAX_HEAP_MB = 512;
/** Jobs handed to one worker ahead of its answers; bounds what is replayed when it is replaced. */
const MAX_IN_FLIGHT_PER_WORKER = 8;
/**
 * Below 1 MiB, parsing on the SMTP thread is cheaper than the two thread hops: on the 2-core
 * reference machine, a raw-socket client at 10 connections measured 100 KB text mail rising from
 * about 720 to 970 messages/s and 2 KB mail from 3,750 to 4,000 (medians of 3 runs each, before
 * the bench/ harness existed). mailparser's own limits (1,000 parts, 1 MiB of headers) bound such
 * a message's cost. Larger messages go to the workers, where a time limit applies.
 */
const DEFAULT_INLINE_BELOW_BYTES = 1024 * 1024;

export function createSummaryParser(options: ParserOptions): SummaryParser {
  if (options.workers === 0)
    return { parse: parseSummary, quick: quickSummary, close: () => Promise.resolve() };
  const pool = new ParsePool(
    options.workers,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB,
  );
  const inlineBelow = options.inlineBelowBytes ?? DEFAULT_INLINE_BELOW_BYTES;
  return {
    parse: (raw) => (raw.length < inlineBelow ? parseSummary(raw) : pool.parse(raw)),
    quick: (raw) => (raw.length < inlineBelow ? quickSummary(raw) : null),
    close: () => pool.close(),
  };
}

interface Job {
  readonly job: number;
  readonly raw: Buffer;
  readonly resolve: (result: SummaryResult) => void;
}

interface Slot {
  worker: Worker;
  /** Set once the worker has loaded its code; jobs (and their time limit) start only then. */
  ready: boolean;
  /** Jobs sent to the worker, oldest first; the head is the one being parsed. */
  readonly inFlight: Job[];
  timer: NodeJS.Timeout | null;
}

/**
 * Parses large messages in worker threads, so the SMTP thread keeps accepting meanwhile and a
 * pathological message can be stopped. Each worker parses sequentially; the pool times the head job
 * and, on timeout or crash, resolves it as unparseable and replays the rest on a fresh worker.
 */
class ParsePool {
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #timeoutMs: number;
  readonly #maxHeapMb: number;
  #nextJob = 0;
  #closed = false;

  readonly #workers: number;

  /** Workers start with the first job: most mail is parsed inline, and each idle thread costs ~40 MB. */
  constructor(workers: number, timeoutMs: number, maxHeapMb: number) {
    this.#workers = workers;
    this.#timeoutMs = timeoutMs;
    this.#maxHeapMb = maxHeapMb;
  }

  parse(raw: Buffer): Promise<SummaryResult> {
    if (this.#closed) return parseSummary(raw);
    while (this.#slots.length < this.#workers) this.#slots.push(this.#spawn());
    return new Promise((resolve) => {
      this.#queue.push({ job: this.#nextJob++, raw, resolve });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      if (slot.timer) clearTimeout(slot.timer);
      // Anything still queued is parsed here rather than dropped.
      for (const job of slot.inFlight) void parseSummary(job.raw).then(job.resolve);
    }
    for (const job of this.#queue.splice(0)) void parseSummary(job.raw).then(job.resolve);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #spawn(): Slot {
    const worker = startWorker(import.meta.url, 'parse-worker', {
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb },
    });
    const slot: Slot = { worker, ready: false, inFlight: [], timer: null };
    worker.on('message', (response: WorkerResponse | 'ready') => {
      if (response !== 'ready') return this.#onResult(slot, response);
      slot.ready = true;
      this.#dispatch();
    });
    worker.on('error', (error) => this.#replace(slot, `parser crashed: ${error.message}`));
    worker.on('exit', (code) => {
      if (!this.#closed && this.#slots.includes(slot)) this.#replace(slot, `parser exited with code ${code}`);
    });
    // An idle worker must not keep the process alive.
    worker.unref();
    return slot;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let best: Slot | undefined;
      for (const slot of this.#slots) {
        const free = slot.ready && slot.inFlight.length < MAX_IN_FLIGHT_PER_WORKER;
        if (free && (!best || slot.inFlight.length < best.inFlight.length)) best = slot;
      }
      if (!best) return;
      const job = this.#queue.shift() as Job;
      best.inFlight.push(job);
      const request: WorkerRequest = { job: job.job, raw: job.raw };
      best.worker.postMessage(request);
      if (best.inFlight.length === 1) this.#armTimer(best);
    }
  }

  #armTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = slot.inFlight.length > 0 ? setTimeout(() => this.#onTimeout(slot), this.#timeoutMs) : null;
  }

  #onResult(slot: Slot, response: WorkerResponse): void {
    const head = slot.inFlight[0];
    if (!head || head.job !== response.job) return;
    slot.inFlight.shift();
    this.#armTimer(slot);
    head.resolve(response.result);
    this.#dispatch();
  }

  #onTimeout(slot: Slot): void {
    this.#replace(slot, `parse took longer than ${this.#timeoutMs / 1000}s; stored unparsed`);
  }

  /** Fails the head job with `problem`, replays the others, and puts a fresh worker in the slot's place. */
  #replace(slot: Slot, problem: string): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1 || this.#closed) return;
    if (slot.timer) clearTimeout(slot.timer);
    const [head, ...rest] = slot.inFlight;
    void slot.worker.terminate();
    this.#slots[index] = this.#spawn();
    this.#queue.unshift(...rest);
    head?.resolve(unparsed(problem));
    this.#dispatch();
  }
}
