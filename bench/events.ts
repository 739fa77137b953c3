/**
 * A WebSocket client on catchall's /api/events that notes when each `{"Type":"new"}` frame
 * arrives, by message ID. catchall publishes the event right after the commit, so the frame can
 * arrive before the client has read the message's `250`: arrivals are kept until asked for, and
 * a latency may come out negative.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

/** Arrivals kept for IDs nobody asked about yet (a minute of load at 1,000 msg/s, and more). */
const MAX_KEPT = 100_000;

export class EventWatcher {
  readonly #socket: WebSocket;
  /** ID → performance.now() when its `new` frame was read. */
  readonly #arrivals = new Map<string, number>();
  readonly #waiting = new Map<string, (at: number) => void>();
  /** Frames read by Type (new, stats, …). */
  readonly frames: Record<string, number> = {};
  /** Distinct message IDs announced by `new` frames. */
  #announced = 0;
  #closed: string | null = null;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: Buffer) => this.#onFrame(data));
    socket.on(
      'close',
      (code, reason) => (this.#closed ??= `closed by the server (${code} ${String(reason)})`),
    );
    socket.on('error', (error) => (this.#closed ??= error.message));
  }

  /** Connects to `<httpUrl>api/events` (httpUrl as printed by catchall, ending in "/"). */
  static async open(httpUrl: string): Promise<EventWatcher> {
    const url = new URL('api/events', httpUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new EventWatcher(socket);
  }

  /** How many distinct messages `new` frames have announced so far. */
  get announced(): number {
    return this.#announced;
  }

  /** Why the socket closed, if it did before close() (the server drops clients that fall behind). */
  get closedEarly(): string | null {
    return this.#closed;
  }

  /**
   * When the `new` frame of message `id` was read (performance.now()), waiting up to `timeoutMs`
   * for it if it has not come yet; null if it does not come. Forgets the ID once answered.
   */
  arrival(id: string, timeoutMs: number): Promise<number | null> {
    const known = this.#arrivals.get(id);
    if (known !== undefined) {
      this.#arrivals.delete(id);
      return Promise.resolve(known);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(null);
      }, timeoutMs);
      this.#waiting.set(id, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  /** Waits until `count` messages have been announced, or `timeoutMs` passed; returns the count. */
  async announcedAtLeast(count: number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (this.#announced < count && performance.now() < deadline && this.#closed === null) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.#announced;
  }

  close(): void {
    this.#closed ??= 'closed by the benchmark';
    this.#socket.close();
    this.#arrivals.clear();
  }

  #onFrame(data: Buffer): void {
    const at = performance.now();
    const frame = JSON.parse(data.toString('utf8')) as { Type?: string; Data?: { ID?: unknown } };
    const type = String(frame.Type);
    this.frames[type] = (this.frames[type] ?? 0) + 1;
    if (type !== 'new' || typeof frame.Data?.ID !== 'string') return;
    const id = frame.Data.ID;
    this.#announced++;
    const waiter = this.#waiting.get(id);
    if (waiter) {
      this.#waiting.delete(id);
      waiter(at);
    } else {
      // Load messages are announced too and never asked for: bound the map, oldest out first.
      if (this.#arrivals.size >= MAX_KEPT)
        this.#arrivals.delete(this.#arrivals.keys().next().value as string);
      this.#arrivals.set(id, at);
    }
  }
}
