import type { EventBus } from '../events/event-bus.ts';
import type { MessageSummary } from './mail-types.ts';
import type { Mailbox } from './mailbox.ts';
import { matchesInMemory } from './search-match.ts';
import type { SearchQuery } from './search-types.ts';

interface Waiter {
  readonly resolve: (message: MessageSummary | null) => void;
  readonly cleanup: () => void;
}

interface Group {
  readonly query: SearchQuery | null;
  readonly waiters: Set<Waiter>;
}

/**
 * Long-poll waiting for a message (`?wait=`), answered from the event bus rather than by polling
 * (DESIGN.md §3.3). Waiters with the same query share one match check per new message, so
 * hundreds of waiters for the same address cost one query each time mail arrives.
 */
export class MessageWaiter {
  readonly #mailbox: Mailbox;
  readonly #groups = new Map<string, Group>();

  constructor(bus: EventBus, mailbox: Mailbox) {
    this.#mailbox = mailbox;
    bus.subscribe('message.new', ({ message }) => this.#onNew(message));
  }

  /** Waiters currently held (for tests and /api/v1/info diagnostics). */
  get size(): number {
    let n = 0;
    for (const group of this.#groups.values()) n += group.waiters.size;
    return n;
  }

  /**
   * The newest message matching `query` if there is one; otherwise the first one stored within
   * `timeoutMs`, or null when the time passes or `signal` aborts (the client went away).
   */
  latest(query: SearchQuery | null, timeoutMs: number, signal: AbortSignal): Promise<MessageSummary | null> {
    const existing = this.#mailbox.summary('latest', query);
    if (existing || timeoutMs <= 0 || signal.aborted) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const key = JSON.stringify(query);
      let group = this.#groups.get(key);
      if (!group) {
        group = { query, waiters: new Set() };
        this.#groups.set(key, group);
      }
      const owner = group;
      const timer = setTimeout(() => finish(null), timeoutMs);
      const onAbort = () => finish(null);
      const waiter: Waiter = {
        resolve: (message) => finish(message),
        cleanup: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          owner.waiters.delete(waiter);
          if (owner.waiters.size === 0 && this.#groups.get(key) === owner) this.#groups.delete(key);
        },
      };
      function finish(message: MessageSummary | null): void {
        waiter.cleanup();
        resolve(message);
      }
      signal.addEventListener('abort', onAbort, { once: true });
      owner.waiters.add(waiter);
    });
  }

  #onNew(message: MessageSummary): void {
    for (const group of [...this.#groups.values()]) {
      if (group.query !== null) {
        const inMemory = matchesInMemory(group.query, message);
        const matches = inMemory ?? this.#mailbox.matches(message.id, group.query);
        if (!matches) continue;
      }
      for (const waiter of [...group.waiters]) waiter.resolve(message);
    }
  }
}
