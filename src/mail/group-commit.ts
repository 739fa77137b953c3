/**
 * Batches handed to the writer before the first one is answered. Two keeps the writer busy
 * (the next batch is already queued when one commits, so the round trip back to this thread is
 * off the critical path) while a slow commit still makes the following batch grow.
 */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * Group commit: writes submitted while a batch is being committed wait and go together in the
 * next batch, so concurrent SMTP connections share one transaction and one fsync, and the batch
 * size adapts to how long a commit takes. Each caller's promise settles with its batch.
 */
export class GroupCommit<Op, Result> {
  readonly #write: (ops: readonly Op[]) => Promise<Result>;
  readonly #onCommitted: (result: Result) => void;
  #pending: { op: Op; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;
  #inFlight = 0;

  /** `onCommitted` runs once per committed batch, before the callers' promises settle. */
  constructor(
    write: (ops: readonly Op[]) => Promise<Result>,
    onCommitted: (result: Result) => void = () => {},
  ) {
    this.#write = write;
    this.#onCommitted = onCommitted;
  }

  submit(op: Op): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ op, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#inFlight >= MAX_BATCHES_IN_FLIGHT || this.#scheduled || this.#pending.length === 0) return;
    this.#scheduled = true;
    // setImmediate runs after this loop turn's I/O callbacks, where the other connections'
    // DATA completions land, so even the first batch of a burst is shared.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#inFlight++;
    try {
      const result = await this.#write(batch.map((p) => p.op));
      this.#onCommitted(result);
      for (const p of batch) p.resolve(result);
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }
}
