import type { EventBus } from '../events/event-bus.ts';
import type { Selection } from '../store/mailbox-writes.ts';
import type { StoreWriter } from '../store/store-writer.ts';
import type { MessageSummary } from './mail-types.ts';
import { uniqueTags } from './message-tags.ts';
import type { RuntimeStats } from './runtime-stats.ts';

/**
 * Changes made through the API, each followed by the events that describe it exactly
 * (so WebSocket clients and waiters see what happened without reloading).
 */
export class MailboxChanges {
  readonly #writer: StoreWriter;
  readonly #bus: EventBus;
  readonly #stats: RuntimeStats;
  readonly #pending = new Set<Promise<void>>();

  constructor(writer: StoreWriter, bus: EventBus, stats: RuntimeStats) {
    this.#writer = writer;
    this.#bus = bus;
    this.#stats = stats;
  }

  async delete(selection: Selection): Promise<number> {
    const ids = await this.#writer.delete(selection);
    this.#stats.messagesDeleted += ids.length;
    if ('all' in selection) this.#bus.publish({ type: 'messages.truncated' });
    else if (ids.length > 0) this.#bus.publish({ type: 'messages.deleted', ids });
    return ids.length;
  }

  async setRead(selection: Selection, read: boolean): Promise<number> {
    const ids = await this.#writer.setRead(selection, read);
    if (ids.length > 0) this.#bus.publish({ type: 'messages.read', ids, read });
    return ids.length;
  }

  /**
   * Opening a message marks it read, as in Mailpit, and tells the other open inboxes. The
   * response does not wait for it (a writer round trip, about 1 ms under load); the next API
   * request does, through settled().
   */
  opened(message: MessageSummary): void {
    if (message.read) return;
    const write = this.setRead({ ids: [message.id] }, true).then(
      () => undefined,
      (error: unknown) =>
        this.#bus.publish({
          type: 'app.error',
          message: `marking a message read failed: ${(error as Error).message}`,
        }),
    );
    this.#pending.add(write);
    void write.finally(() => this.#pending.delete(write));
  }

  /** Resolves once the mark-read writes started before the call are done. */
  async settled(): Promise<void> {
    if (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async setTags(ids: readonly string[], tags: readonly string[]): Promise<void> {
    const changes = await this.#writer.setTags(ids, uniqueTags(tags));
    if (changes.length > 0) this.#bus.publish({ type: 'messages.tagged', changes });
  }

  /** False if no message carries the tag. */
  async renameTag(from: string, to: string): Promise<boolean> {
    const ids = await this.#writer.renameTag(from, to);
    if (ids.length > 0) this.#bus.publish({ type: 'tags.changed' });
    return ids.length > 0;
  }

  async deleteTag(name: string): Promise<boolean> {
    const ids = await this.#writer.deleteTag(name);
    if (ids.length > 0) this.#bus.publish({ type: 'tags.changed' });
    return ids.length > 0;
  }
}
