import type { AppEvent, AppEventType, EventOf } from './app-events.ts';

type Listener<T extends AppEventType> = (event: EventOf<T>) => void;

/**
 * A typed, synchronous publish/subscribe bus. Synchronous so a waiter is released in the same
 * tick the message is committed (the 250 → event latency budget is 2 ms p50, DESIGN.md §5).
 * A throwing listener is reported and does not stop the others or the publisher.
 */
export class EventBus {
  readonly #listeners = new Map<AppEventType, Set<(event: AppEvent) => void>>();
  readonly #onListenerError: (error: unknown, event: AppEvent) => void;

  constructor(onListenerError: (error: unknown, event: AppEvent) => void) {
    this.#onListenerError = onListenerError;
  }

  subscribe<T extends AppEventType>(type: T, listener: Listener<T>): () => void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    // Stored under its own type only, so it is only ever called with an EventOf<T>.
    const stored = listener as unknown as (event: AppEvent) => void;
    set.add(stored);
    return () => set.delete(stored);
  }

  publish(event: AppEvent): void {
    const set = this.#listeners.get(event.type);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  listenerCount(type: AppEventType): number {
    return this.#listeners.get(type)?.size ?? 0;
  }
}
